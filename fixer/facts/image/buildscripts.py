"""The repository's build scripts: CI workflows, Makefiles, shell scripts and the other
files that build images or run Compose. What they say about a build that the compose files
do not (a Dockerfile they name, the `--project-directory` they run Compose with) is
evidence a rule weighs before it calls something missing or unused.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile, Stage, chain

# Files that may build or name a Dockerfile by path, or run Compose.
_SCRIPT = lazy_compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|Makefile|[^/]+\.mk|Jenkinsfile|"
    r"[^/]+\.sh|\.circleci/config\.ya?ml|azure-pipelines[^/]*\.ya?ml|bitbucket-pipelines\.yml|"
    r"skaffold[^/]*\.ya?ml|docker-bake[^/]*\.(hcl|json)|[^/]*compose[^/]*\.ya?ml|\.drone\.ya?ml|"
    r"cloudbuild[^/]*\.ya?ml|Tiltfile|justfile|Taskfile\.ya?ml)$"
)
# `--project-directory DIR`, `--env-file=PATH`: an option of Compose and the path it takes
_OPTION_PATH = r"{}(?:=|\s+)[\"']?([\w./-]+)"
_PROJECT_DIRECTORY = lazy_compile(_OPTION_PATH.format("--project-directory"))
_ENV_FILE = lazy_compile(_OPTION_PATH.format("--env-file"))

# Compose run by a script line: `docker compose`, `docker-compose`
_RUNS_COMPOSE = lazy_compile(r"docker[ \t]+compose\b|docker-compose\b")
# `HOST_ROOT=$(CURDIR) docker compose up`: assignments in front of the command on its line
_INLINE = lazy_compile(r"((?:\b[A-Za-z_]\w*=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s'\"]*)[ \t]+)+)"
                       r"(?:sudo[ \t]+|env[ \t]+)?(?:docker[ \t]+compose\b|docker-compose\b)")
_ASSIGNED = lazy_compile(r"\b([A-Za-z_]\w*)=")
# `export NAME=...`, `export NAME` (shell, make); `: "${NAME:?set it}"` (a script that stops
# unless the caller sets it)
_EXPORTED = lazy_compile(r"^[ \t]*export[ \t]+([A-Za-z_]\w*)", re.M)
_REQUIRED = lazy_compile(r"\$\{([A-Za-z_]\w*):?\?")

# per workspace: the folders Compose is run from with `--project-directory`
_PROJECT_DIRECTORIES: Memo[list[str]] = Memo("compose project directories")
# per workspace: the files Compose reads its variables from with `--env-file`
_ENV_FILES: Memo[list[str]] = Memo("compose env files")
# per workspace: the variables the scripts that run Compose set for it
_SCRIPT_SET: Memo[frozenset[str]] = Memo("variables scripts set for compose")


# How every name `_SCRIPT` accepts ends: a path that ends otherwise (most of a tree) takes no
# pass of the pattern, which has no literal to scan for and is asked of every path, often
_SCRIPT_ENDINGS = (".yml", ".yaml", "Makefile", ".mk", "Jenkinsfile", ".sh", ".hcl", ".json",
                   "Tiltfile", "justfile")


def is_build_script(path: str) -> bool:
    # `$` also matches before a final newline, which a file's name may end with
    if not path.endswith(_SCRIPT_ENDINGS) and not path.endswith("\n"):
        return False
    return bool(_SCRIPT.search(path))


def project_directories(ws: Workspace) -> list[str]:
    """The folders the build scripts give Compose with `--project-directory`, as repository
    paths ("" for the root), each resolved from its script's folder."""
    return ws.derived.get(_PROJECT_DIRECTORIES,
                          lambda: _option_paths(ws, "--project-directory", _PROJECT_DIRECTORY))


def env_files(ws: Workspace) -> list[str]:
    """The files the build scripts give Compose with `--env-file` (in place of the project
    folder's `.env`), as repository paths, each resolved from its script's folder."""
    return ws.derived.get(_ENV_FILES, lambda: _option_paths(ws, "--env-file", _ENV_FILE))


def _option_paths(ws: Workspace, option: str, pattern: re.Pattern[str]) -> list[str]:
    """The paths the build scripts give `option`, in script order, once each; none that
    leaves the repository."""
    found: list[str] = []
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)):
        file = ws.scan(path)
        if file is None or option not in file.text:
            continue
        for match in pattern.finditer(file.text):
            folder = posixpath.normpath(posixpath.join(posixpath.dirname(path), match.group(1)))
            if not folder.startswith(".."):
                found.append("" if folder == "." else folder)
    return list(dict.fromkeys(found))


def compose_variables(ws: Workspace) -> frozenset[str]:
    """The variables a build script that runs Compose sets for it: in front of the command
    (`HOST_ROOT=$(CURDIR) docker compose up`), with `export`, or by stopping unless its
    caller set them (`: "${RDS_ENDPOINT:?}"`). Compose reads them from its environment."""
    return ws.derived.get(_SCRIPT_SET, lambda: _script_variables(ws))


def _script_variables(ws: Workspace) -> frozenset[str]:
    found: set[str] = set()
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)
                       and "compose" not in posixpath.basename(p)):
        file = ws.scan(path)
        if file is None or not _RUNS_COMPOSE.search(file.text):
            continue
        for match in _INLINE.finditer(file.text):
            found.update(_ASSIGNED.findall(match.group(1)))
        found.update(_EXPORTED.findall(file.text))
        found.update(_REQUIRED.findall(file.text))
    return frozenset(found)


def build_argument_set(ws: Workspace, name: str, dockerfile: str) -> tuple[str, int] | None:
    """Where a build script sets the build argument `name` for a build of `dockerfile`
    (path, line): `--build-arg NAME=...` on a `docker build` line, a workflow step's
    `build-args:` line `NAME=...`, or `NAME = ...` in the `args` of a `docker-bake.hcl`
    target. A build of another Dockerfile does not count (`--build-arg PORT=3000 ./web` for
    the frontend); one whose context or file fixer cannot read does."""
    pattern = re.compile(rf"""--build-arg[ \t=]+["']?{re.escape(name)}=|"""
                         rf"""^[ \t]*["']?{re.escape(name)}["']?[ \t]*=""", re.M)
    for path in ws.tree.paths():
        if not is_build_script(path) or "compose" in posixpath.basename(path):
            continue
        file = ws.tree.peek(path)
        text = file.text if file is not None else ""
        for found in pattern.finditer(text) if name in text else ():
            line = text[text.rfind("\n", 0, found.start()) + 1:found.start()]
            command = found.group().startswith("--")
            if "#" in line or (not command and not _in_build_args(text, found.start())):
                continue
            built = _built_file(path, text, found.start(), command)
            if built is None or built == dockerfile:
                return path, text.count("\n", 0, found.start()) + 1
    return None


def _built_file(path: str, text: str, at: int, command: bool) -> str | None:
    """The Dockerfile the build that sets an argument at `at` builds, as a repository path:
    the `docker build` line's `-f`, else `CONTEXT/Dockerfile`; a workflow step's `file:`,
    else its `context:` (from the checkout's root); a bake target's `dockerfile`, from its
    `context` (from the bake file's folder). None where fixer cannot tell."""
    folder = posixpath.dirname(path)
    if command:   # the line's command that holds `at`: `docker build ... ./api && ...`
        start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        line = text[start:end if end >= 0 else len(text)]
        cut = [m.end() for m in re.finditer(r"&&|\|\||[;|&]", line[:at - start])]
        rest = line[cut[-1] if cut else 0:]
        words = re.split(r"&&|\|\||[;|&]", rest, maxsplit=1)[0].split()
        files = [w.strip("\"'") for i, w in enumerate(words[1:]) if words[i] in ("-f", "--file")]
        context = words[-1].strip("\"'") if words else "$"
        named = files[-1] if files else posixpath.join(context, "Dockerfile")
        return None if "$" in named else posixpath.normpath(posixpath.join(folder, named))
    if path.endswith((".hcl", ".json")):   # a bake target: `target "api" { ... }`
        start = text.rfind("target ", 0, at)
        end = text.find("\n}", at)
        block = text[start:end if end >= 0 else len(text)] if start >= 0 else ""
        settings = dict(_BAKE_SETTING.findall(block))
        context = posixpath.join(folder, settings.get("context", "."))
        named = posixpath.join(context, settings.get("dockerfile", "Dockerfile"))
    else:   # a workflow step: from its `- ` line to the next line as little indented
        block = _step_around(text, at)
        settings = dict(_STEP_SETTING.findall(block))
        named = settings.get("file") or posixpath.join(settings.get("context", "."),
                                                       "Dockerfile")
    built = posixpath.normpath(named)
    return None if "$" in built or built.startswith("..") else built


def _step_around(text: str, at: int) -> str:
    """The YAML list item that holds `at` (a workflow step), by indentation."""
    line_start = text.rfind("\n", 0, at) + 1
    depth = len(text[line_start:at]) - len(text[line_start:at].lstrip())
    items = [m for m in re.finditer(r"^([ \t]*)- ", text[:at], re.M) if len(m.group(1)) < depth]
    if not items:
        return text
    start, own = items[-1].start(), len(items[-1].group(1))
    after = re.compile(rf"^[ \t]{{0,{own}}}\S", re.M).search(text, text.find("\n", at) + 1)
    return text[start:after.start() if after and text.find("\n", at) >= 0 else len(text)]


# a bake target's `context = "api"`, `dockerfile = "Dockerfile.prod"`
_BAKE_SETTING = lazy_compile(r'^[ \t]*(context|dockerfile)[ \t]*=[ \t]*"([^"]*)"', re.M)
# a workflow step's `context: ./api`, `file: ./api/Dockerfile.prod`
_STEP_SETTING = lazy_compile(r"""^[ \t]*(context|file):[ \t]*["']?([^\s"'#]+)""", re.M)


def _in_build_args(text: str, at: int) -> bool:
    """`NAME=...` at the start of a line is a build argument inside a workflow step's
    `build-args:` block or a bake target's `args = {` block: one of them opens above it,
    with no line between them that closes or leaves it."""
    before = text[:at]
    opened = max(before.rfind("build-args:"), before.rfind("args = {"), before.rfind("args={"))
    if opened < 0:
        return False
    between = before[opened:].splitlines()[1:]
    return all(line.strip() and not line.strip().startswith(("}", "- ", "with:", "tags"))
               for line in between[:-1])


def base_argument_set(ws: Workspace, dockerfile: Dockerfile, stage: Stage) -> str | None:
    """Where a build script sets a build argument that the stage's base image reads (`FROM
    ${PYTHON_IMAGE}` built by CI with `build-args: PYTHON_IMAGE=python:3.12-alpine`), as
    `path:line sets NAME`: the file is built from another base there, where an install
    written for this one breaks the build. None where no script sets one."""
    base = chain(dockerfile, stage)[-1].base
    for name in re.findall(r"\$\{?(\w+)", base):
        found = build_argument_set(ws, name, dockerfile.path)
        if found is not None:
            return f"{found[0]}:{found[1]} sets the build argument {name}"
    return None

"""The variables a build script or CI workflow writes into the `.env` Compose reads, by name:
`echo "IMAGE_TAG=$(TAG)" > .env` in a Makefile's target, `printf 'LE_EMAIL=%s\\n' ... > .env`
in a deploy step, the lines of a heredoc written there (`cat > .env <<EOF`). Where the
project runs the stack that way, they are set: no finding says nothing defines them.

Read line by line, as written: a redirect (`>` or `>>`) to a file named `.env`, or to a
variable the script sets to one (`ENV_FILE=".env"`, then `>> $ENV_FILE`), from the
repository's root for a CI workflow (its steps run there) and from the script's folder for
the others, and from the root too where the repository runs the script by its path from
there (`./scripts/gen_env.sh` in the README, or in another script); the names assigned on
that line, or in the heredoc it opens.
"""

from __future__ import annotations

import posixpath
import re

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.buildscripts import is_build_script
from fixer.model.stacks import is_compose_name
from fixer.model.services import Stack
from fixer.model.workspace import Workspace

# a redirect into a file named `.env`: `> .env`, `>> ./.env`, `> "deploy/.env"`; or into a
# variable's value: `>> $ENV_FILE`, `> "${ENV_FILE}"`
_INTO_DOTENV = lazy_compile(r"""(?<![<>&\d])>>?[ \t]*["']?(?:(?P<target>(?:[\w./-]*/)?\.env)"""
                            r"""|\$\{?(?P<variable>[A-Za-z_]\w*)\}?)["']?(?=$|[\s;&|)])""",
                            re.M)
# a shell variable set to a `.env` path: `ENV_FILE=".env"`, `export OUT=./deploy/.env`
_NAMES_DOTENV = lazy_compile(r"""^[ \t]*(?:(?:export|local|readonly)[ \t]+)?([A-Za-z_]\w*)="""
                             r"""["']?((?:[\w./-]*/)?\.env)["']?[ \t]*(?:#.*)?$""", re.M)
# an assignment a line writes: `IMAGE_TAG=` of `echo "IMAGE_TAG=$(TAG)"`
_ASSIGNED = lazy_compile(r"(?<![\w$%{(.-])([A-Z][A-Z0-9_]*)=")
# a heredoc's start (`<<EOF`, `<<-'EOF'`): the lines up to its delimiter are what it writes
_HEREDOC = lazy_compile(r"<<-?[ \t]*[\"']?(\w+)[\"']?")
# a line of a heredoc's body that sets a variable
_BODY_ASSIGNED = lazy_compile(r"^[ \t]*(?:export[ \t]+)?([A-Z][A-Z0-9_]*)=", re.M)
# where a CI system runs its steps: the repository's root
_CI = lazy_compile(r"(^|/)(\.github/workflows/|\.gitlab-ci|\.circleci/|azure-pipelines|"
                   r"bitbucket-pipelines|\.drone|cloudbuild|Jenkinsfile)")

# per workspace: the names written into each `.env`, by its repository path
_WRITTEN: Memo[dict[str, frozenset[str]]] = Memo("variables build scripts write to .env files")


def written_to_dotenv(ws: Workspace, stack: Stack) -> frozenset[str]:
    """The names the project's build scripts and workflows write into the stack's `.env`."""
    return ws.derived.get(_WRITTEN, lambda: _written(ws)).get(stack.dotenv_path, frozenset())


def _written(ws: Workspace) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)
                       and not is_compose_name(p)):
        file = ws.scan(path)
        if file is None or ".env" not in file.text:
            continue
        for target, names in _writes(file.text):
            for base in _bases(ws, path):
                found.setdefault(posixpath.normpath(posixpath.join(base, target)),
                                 set()).update(names)
    return {target: frozenset(names) for target, names in found.items()}


def _bases(ws: Workspace, path: str) -> list[str]:
    """The folders the script's relative paths may be read from: the repository's root for
    a CI workflow; else its own folder, and the root too where a guide, script or workflow
    of the repository runs it by its path from the root (`./scripts/gen_env.sh`)."""
    own = "" if _CI.search(path) else posixpath.dirname(path)
    return [own, ""] if own and path in _run_from_root(ws) else [own]


# per workspace: the scripts the repository runs by their paths from its root
_FROM_ROOT: Memo[frozenset[str]] = Memo("scripts run by their paths from the root")
# a path as a command names it: after a line's start, a space or a shell operator
_COMMAND_PATH = lazy_compile(r"""(?:^|[\s"'`(;&|])(?:\./)?([\w.-]+(?:/[\w.-]+)+)""", re.M)


def _run_from_root(ws: Workspace) -> frozenset[str]:
    return ws.derived.get(_FROM_ROOT, lambda: frozenset(
        named for path in ws.tree.sorted_paths()
        if is_build_script(path) or "/" not in path and path.lower().endswith(".md")
        for named in _named_paths(ws, path)))


def _named_paths(ws: Workspace, path: str) -> set[str]:
    """The repository's scripts that the file names by their path from the root."""
    file = ws.scan(path)
    if file is None or "/" not in file.text:
        return set()
    return {named for named in _COMMAND_PATH.findall(file.text)
            if named != path and is_build_script(named) and ws.tree.exists(named)}


def _writes(text: str) -> list[tuple[str, set[str]]]:
    """(target as written, names) of each command that writes into a `.env`: the names its
    line assigns (with the lines a trailing backslash joins to it: `printf 'A=%s\\n' \\`,
    then `> .env`), and those of the heredoc it opens."""
    out: list[tuple[str, set[str]]] = []
    named = dict(_NAMES_DOTENV.findall(text)) if "=" in text else {}
    for into in _INTO_DOTENV.finditer(text):
        target = into.group("target") or named.get(into.group("variable") or "")
        if target is None:
            continue   # a variable the script sets to no `.env` of its own
        start = text.rfind("\n", 0, into.start()) + 1
        while start > 1 and text[start - 2] == "\\":   # the line before continues into it
            start = text.rfind("\n", 0, start - 1) + 1
        end = text.find("\n", into.start())
        line = text[start:end if end >= 0 else None]
        names = set(_ASSIGNED.findall(line.replace("\\n", " ")))
        names.update(_BODY_ASSIGNED.findall(heredoc_body(text, line, end)))
        out.append((target, names))
    return out


def heredoc_body(text: str, line: str, end: int) -> str:
    """The body of the heredoc the line (which ends at `end` of the text, -1 at its end)
    starts (`cat > .env <<EOF`), up to the line that holds its delimiter alone; "" for a
    line that starts none."""
    opened = _HEREDOC.search(line)
    if opened is None or end < 0:
        return ""
    close = re.compile(rf"(?m)^[ \t]*{re.escape(opened.group(1))}[ \t]*$").search(text, end)
    return text[end:close.start() if close else len(text)]

"""The variables a build script or CI workflow writes into the `.env` Compose reads, by name:
`echo "IMAGE_TAG=$(TAG)" > .env` in a Makefile's target, `printf 'LE_EMAIL=%s\\n' ... > .env`
in a deploy step, the lines of a heredoc written there (`cat > .env <<EOF`). Where the
project runs the stack that way, they are set: no finding says nothing defines them.

Read line by line, as written: a redirect (`>` or `>>`) to a file named `.env`, from the
repository's root for a CI workflow (its steps run there) and from the script's folder for
the others; the names assigned on that line, or in the heredoc it opens.
"""

from __future__ import annotations

import posixpath

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.buildscripts import is_build_script
from fixer.model.stacks import is_compose_name
from fixer.model.services import Stack
from fixer.model.workspace import Workspace

# a redirect into a file named `.env`: `> .env`, `>> ./.env`, `> "deploy/.env"`
_INTO_DOTENV = lazy_compile(r"""(?<![<>&\d])>>?\s*["']?(?P<target>(?:[\w./-]*/)?\.env)["']?"""
                            r"""(?=$|[\s;&|)])""")
# an assignment a line writes: `IMAGE_TAG=` of `echo "IMAGE_TAG=$(TAG)"`
_ASSIGNED = lazy_compile(r"(?<![\w$%{(.-])([A-Z][A-Z0-9_]*)=")
# a heredoc the line opens: `<<EOF`, `<<-'EOT'`
_HEREDOC = lazy_compile(r"""<<-?\s*["']?(\w+)["']?""")
# a line of a heredoc's body that sets a variable
_BODY_ASSIGNED = lazy_compile(r"^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=")
# where a CI system runs its steps: the repository's root
_CI = lazy_compile(r"(^|/)(\.github/workflows/|\.gitlab-ci|\.circleci/|azure-pipelines|"
                   r"bitbucket-pipelines|\.drone|cloudbuild|Jenkinsfile)")

# per workspace: the names written into each `.env`, by its repository path
_WRITTEN: Memo[dict[str, frozenset[str]]] = Memo("variables build scripts write to .env files")


def written_to_dotenv(ws: Workspace, stack: Stack) -> frozenset[str]:
    """The names the project's build scripts and workflows write into the stack's `.env`."""
    dotenv = posixpath.join(stack.folder, ".env") if stack.folder else ".env"
    return ws.derived.get(_WRITTEN, lambda: _written(ws)).get(dotenv, frozenset())


def _written(ws: Workspace) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(p for p in ws.tree.paths() if is_build_script(p)
                       and not is_compose_name(p)):
        file = ws.scan(path)
        if file is None or ".env" not in file.text:
            continue
        base = "" if _CI.search(path) else posixpath.dirname(path)
        for target, names in _writes(file.text):
            found.setdefault(posixpath.normpath(posixpath.join(base, target)),
                             set()).update(names)
    return {target: frozenset(names) for target, names in found.items()}


def _writes(text: str) -> list[tuple[str, set[str]]]:
    """(target as written, names) of each line that writes into a `.env`."""
    lines = text.splitlines()
    out: list[tuple[str, set[str]]] = []
    at = 0
    while at < len(lines):
        line = lines[at]   # with the lines a trailing backslash continues it on
        while line.endswith("\\") and at + 1 < len(lines):
            at += 1
            line = line[:-1] + " " + lines[at]
        at += 1
        into = _INTO_DOTENV.search(line)
        if into is None:
            continue
        names = set(_ASSIGNED.findall(line.replace("\\n", " ")))
        heredoc = _HEREDOC.search(line)
        if heredoc is not None:
            for body in lines[at:]:
                if body.strip() == heredoc.group(1):
                    break
                named = _BODY_ASSIGNED.match(body)
                if named is not None:
                    names.add(named.group(1))
        out.append((into.group("target"), names))
    return out

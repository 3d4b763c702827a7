"""The Python modules the repository's commands name outside the image: Makefiles, shell
scripts, Procfiles, justfiles, tox and pytest configuration, CI workflows.

`cd services/api && uvicorn app.main:app --reload` in a Makefile, `python -m app.worker` in
a workflow step, `[project.scripts] seed = "app.tools:seed"`: each imports the module as
part of a package, from a folder fixer places where it can (the line's `cd`, else the
file's own folder) and leaves open where it cannot (`cd "$ROOT"`).
"""

from __future__ import annotations

import posixpath
import re
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.buildscripts import is_build_script
from fixer.model.workspace import Workspace

# `-m app.worker`, `app.main:app`, `app.main` as a word of a command
DOTTED_COMMAND = lazy_compile(r"(?:-m[ \t]+|\b)([A-Za-z_]\w*(?:\.\w+)+)"
                              r"(?=:[A-Za-z_]|[ \t\"',\]]|$)", re.M)
# files that run Python modules besides the build scripts: run from their own folder
_CONFIG = lazy_compile(r"(^|/)(Procfile[^/]*|GNUmakefile|makefile|\.?[Jj]ustfile|[^/]+\.just|"
                       r"tox\.ini|pytest\.ini|setup\.cfg|pyproject\.toml|[^/]+\.bash)$")
# CI files run their steps from the repository's root
_CI = lazy_compile(r"(^|/)(\.github/workflows/[^/]+|\.gitlab-ci\.ya?ml|\.circleci/[^/]+)$")
_SKIP = lazy_compile(r"(^|/)(Dockerfile[^/]*|[^/]*compose[^/]*\.ya?ml)$")   # read elsewhere
# a command line's `cd DIR` before the module
_CD = lazy_compile(r"\bcd[ \t]+([\"']?)([^\s;&|\"'()]+)\1")


class Named(NamedTuple):
    """Where a command names a module: its file and line, and the folder it runs in: the
    `cd` of its line (`exact`), else the file's folder, which may be any folder below it
    (`make -C`, a CI step's `working-directory`); None where the line's `cd` is unknown."""

    path: str
    line: int
    cwd: str | None
    exact: bool

    def from_folder(self, folder: str) -> bool:
        """Whether the command may run with `folder` on `sys.path`."""
        if self.cwd is None:
            return True
        if self.exact:
            return self.cwd == folder
        return _within(folder, self.cwd) or _within(self.path, folder)


# per workspace: dotted module name -> where a command outside the image names it
_NAMED: Memo[dict[str, list[Named]]] = Memo("modules dev and CI commands name")


def commands_naming(ws: Workspace) -> dict[str, list[Named]]:
    """Read once per workspace, and only when a rule judges its fix (I001, I002)."""
    return ws.derived.get(_NAMED, lambda: _index(ws))


def _index(ws: Workspace) -> dict[str, list[Named]]:
    found: dict[str, list[Named]] = {}
    for path in ws.tree.paths():
        if _SKIP.search(path) or not (is_build_script(path) or _CONFIG.search(path)
                                      or _CI.search(path)):
            continue
        file = ws.read(path)
        if file is None:
            continue
        number, counted = 1, 0   # lines counted on from the last match, not from the top
        for match in DOTTED_COMMAND.finditer(file.text):
            line = _line_before(file.text, match.start())
            number += file.text.count("\n", counted, match.start())
            counted = match.start()
            found.setdefault(match.group(1), []).append(Named(path, number, *_cwd(path, line)))
    return found


def _line_before(text: str, at: int) -> str:
    """The command line up to `at`, with the lines a trailing backslash continues."""
    start = text.rfind("\n", 0, at)
    while start > 0:
        end = start - 1 if text[start - 1] != "\r" else start - 2
        if end < 0 or text[end] != "\\":
            break
        start = text.rfind("\n", 0, end)
    return text[start + 1:at]


def _cwd(path: str, line: str) -> tuple[str | None, bool]:
    """The folder the command line runs in, and whether its `cd` says so."""
    base = "" if _CI.search(path) else posixpath.dirname(path)
    cds = _CD.findall(line)
    if not cds:
        return base, False
    folder = cds[-1][1]
    if folder.startswith(("/", "~")) or "$" in folder or "`" in folder:
        return None, True   # `cd "$ROOT"`, `cd /srv`: fixer cannot place it
    cwd = posixpath.normpath(posixpath.join(base, folder))
    if cwd == ".." or cwd.startswith("../"):
        return None, True
    return ("" if cwd == "." else cwd), True


def _within(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder + "/")

"""The Python modules the repository's commands name outside the image: Makefiles, shell
scripts, Procfiles, justfiles, tox and pytest configuration, CI workflows.

`cd services/api && uvicorn app.main:app --reload` in a Makefile, `python -m app.worker` in
a workflow step, `[project.scripts] seed = "app.tools:seed"`: each imports the module as
part of a package, from a folder fixer places where it can (the line's `cd`, else the
file's own folder) and leaves open where it cannot (`cd "$ROOT"`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import within
from fixer.facts.image.buildscripts import (
    CI_FILE,
    command_folder,
    is_build_script,
    line_start,
    moves_folder,
)
from fixer.model.workspace import Workspace

# `-m app.worker`, `app.main:app`, `app.main` as a word of a command
DOTTED_COMMAND = lazy_compile(r"(?:-m[ \t]+|\b)([A-Za-z_]\w*(?:\.\w+)+)"
                              r"(?=:[A-Za-z_]|[ \t\"',\]]|$)", re.M)
# files that run Python modules besides the build scripts: run from their own folder
_CONFIG = lazy_compile(r"(^|/)(Procfile[^/]*|GNUmakefile|makefile|\.?[Jj]ustfile|[^/]+\.just|"
                       r"tox\.ini|pytest\.ini|setup\.cfg|pyproject\.toml|[^/]+\.bash)$")
_SKIP = lazy_compile(r"(^|/)(Dockerfile[^/]*|[^/]*compose[^/]*\.ya?ml)$")   # read elsewhere


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
        return within(folder, self.cwd) or within(self.path, folder)


# per workspace: dotted module name -> where a command outside the image names it
_NAMED: Memo[dict[str, list[Named]]] = Memo("modules dev and CI commands name")


def commands_naming(ws: Workspace) -> dict[str, list[Named]]:
    """Read once per workspace, and only when a rule judges its fix (I001, I002)."""
    return ws.derived.get(_NAMED, lambda: _index(ws))


def _index(ws: Workspace) -> dict[str, list[Named]]:
    found: dict[str, list[Named]] = {}
    for path in ws.tree.sorted_paths():
        if _SKIP.search(path) or not (is_build_script(path) or _CONFIG.search(path)
                                      or CI_FILE.search(path)):
            continue
        file = ws.read(path)
        if file is None:
            continue
        number, counted = 1, 0   # lines counted on from the last match, not from the top
        for match in DOTTED_COMMAND.finditer(file.text):
            line = file.text[line_start(file.text, match.start()):match.start()]
            number += file.text.count("\n", counted, match.start())
            counted = match.start()
            found.setdefault(match.group(1), []).append(
                Named(path, number, command_folder(path, line), moves_folder(line)))
    return found

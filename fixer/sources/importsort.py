"""Whether a repository's tooling keeps a file's imports sorted, and which tool does.

An import rewritten in place (`from .models import X` made `from app.models import X`) moves
from the relative imports' group to another, where a sorter wants it elsewhere: a project
whose lint sorts imports fails it until the sorter runs again. Counted as sorting:
ruff, where the settings nearest the file (`linelimit.ruff_settings`, following `extend`)
select a prefix of `I001` or `ALL` that no ignore as specific takes back; isort, where its
configuration is nearest the file (`.isort.cfg`, `[tool.isort]`, an `[isort]` or
`[tool:isort]` section of setup.cfg or tox.ini); and an isort hook in the root's
`.pre-commit-config.yaml`.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from fixer.core.lazyre import lazy_compile
from fixer.sources.linelimit import ToolSettings, ini_file, nearest, ruff_settings, tool_table
from fixer.sources.ruffrules import lint_table, selects

Read = Callable[[str], str | None]

# ruff's import-sorting rule
_RULE = "I001"
# a pre-commit hook running isort: `- id: isort`
_ISORT_HOOK = lazy_compile(r"(?m)^\s*-?\s*id:\s*['\"]?isort['\"]?\s*$")


class ImportSorter(NamedTuple):
    tool: str        # `ruff's I001`, `isort`
    source: str      # where it is set up, as a reader finds it: `pyproject.toml (`[tool.ruff]`)`
    ruff: ToolSettings | None = None   # ruff's settings, where ruff sorts


def import_sorter(read: Read, path: str) -> ImportSorter | None:
    """The tool that sorts the imports of the file `path`, and where; None where nothing
    fixer reads does. `read` gives a repository file's text (None when absent)."""
    ruff = nearest(read, path, ruff_settings)
    if ruff is not None and selects(read, ruff, _RULE):
        return ImportSorter(f"ruff's {_RULE}", ruff.source, ruff)
    isort = nearest(read, path, _isort_settings)
    if isort is not None:
        return ImportSorter("isort", isort)
    hooks = read(".pre-commit-config.yaml")
    if hooks is not None and _ISORT_HOOK.search(hooks):
        return ImportSorter("isort", ".pre-commit-config.yaml")
    return None


def _isort_settings(read: Read, folder: str) -> str | None:
    """Where isort's configuration in the folder is, as a reader finds it."""
    own = posixpath.join(folder, ".isort.cfg")
    if read(own) is not None:
        return own
    if tool_table(read, folder, "isort") is not None:
        return f"{posixpath.join(folder, 'pyproject.toml')} (`[tool.isort]`)"
    for name in ("setup.cfg", "tox.ini"):
        section = _ini_section(read, posixpath.join(folder, name), ("isort", "tool:isort"))
        if section is not None:
            return f"{posixpath.join(folder, name)} (`[{section}]`)"
    return None


def _ini_section(read: Read, path: str, names: tuple[str, ...]) -> str | None:
    parser = ini_file(read, path, "isort")
    return next((name for name in names if parser.has_section(name)), None) \
        if parser is not None else None


# `[lint.isort]` settings that change nothing of where a sorted block puts a first-party
# `from` import: with any other, fixer does not say the block stays sorted
_ORDER_KEPT = frozenset({"known-first-party", "known-third-party", "combine-as-imports",
                         "force-wrap-aliases", "split-on-trailing-comma", "lines-after-imports",
                         "required-imports"})
# ruff's `src` where the settings name none: the project's folder and its `src/`
_SOURCES = (".", "src")


def ruff_keeps_order(sorter: ToolSettings, is_module: Callable[[str], bool],
                     module: ast.Module, rewritten: Sequence[tuple[ast.stmt, str]]) -> bool:
    """Whether ruff's import sorting, with the settings `sorter`, still finds the module's
    imports sorted once the relative imports `rewritten` name their modules absolutely
    (each with its new module name): they are consecutive statements of the module's top
    level, the last imports of their block, name modules of one first-party package (one
    of ruff's `src` folders holds it, or `known-first-party` names it) that no other import
    of the module is from, and come in ruff's order. Then they make the first-party group
    where the relative ones made the last, in the same place. `is_module` tells whether a
    repository path (with no extension) is a package folder or a `.py` module."""
    lint = lint_table(sorter.table)
    isort = lint.get("isort", {})
    if "extend" in sorter.table or not isinstance(isort, dict) or \
            set(isort) - _ORDER_KEPT - {"section-order", "sections"} or \
            not _first_party_before_local(isort.get("section-order")):
        return False
    body = module.body
    places = {(s.lineno, s.col_offset): i for i, s in enumerate(body)}
    at = [places.get((node.lineno, node.col_offset), -1) for node, _ in rewritten]
    if not at or -1 in at or at != list(range(at[0], at[0] + len(at))):
        return False
    after = at[-1] + 1
    if after < len(body) and isinstance(body[after], (ast.Import, ast.ImportFrom)):
        return False   # an import after the block: the group does not end it
    targets = [target.lower() for _, target in rewritten]
    tops = {target.split(".")[0] for target in targets}
    if len(tops) != 1 or targets != sorted(targets) or \
            not _first_party(sorter, is_module, next(iter(tops))) or \
            _in_own_section(isort.get("sections"), {t for _, t in rewritten}):
        return False
    others = _imported_tops(s for i, s in enumerate(body) if i not in at)
    return "." not in others and not any(_first_party(sorter, is_module, top) for top in others)


def _first_party_before_local(order: object) -> bool:
    """The `section-order` puts the first-party group right before the local-folder one
    (as the default does): the group the imports join stands where theirs stood."""
    if order is None:
        return True
    if not isinstance(order, list) or "first-party" not in order or "local-folder" not in order:
        return False
    return order.index("local-folder") == order.index("first-party") + 1


def _in_own_section(sections: object, modules: set[str]) -> bool:
    """A section of the settings' own (`[lint.isort.sections]`) names one of the modules
    or a package above one: the sorter puts it there, not among the first-party ones."""
    if sections is None:
        return False
    if not isinstance(sections, dict):
        return True
    named = {m for listed in sections.values() if isinstance(listed, list) for m in listed}
    return any(module == name or module.startswith(name + ".")
               for module in modules for name in named if isinstance(name, str))


def _first_party(sorter: ToolSettings, is_module: Callable[[str], bool], top: str) -> bool:
    """Ruff counts `top` as first-party: `known-first-party` names it, or a folder of its
    `src` (from the settings' folder) holds it as a package or a module."""
    isort = lint_table(sorter.table).get("isort", {})
    known = isort.get("known-first-party", []) if isinstance(isort, dict) else []
    if isinstance(known, list) and top in known:
        return True
    sources = sorter.table.get("src", list(_SOURCES))
    folder = posixpath.dirname(sorter.path)
    return isinstance(sources, list) and any(
        isinstance(s, str) and "*" not in s and
        is_module(posixpath.normpath(posixpath.join(folder, s, top))) for s in sources)


def _imported_tops(statements: Iterable[ast.stmt]) -> set[str]:
    """The top-level package of each module the statements import, at any depth; a
    relative import counts as first-party (`.`)."""
    tops: set[str] = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Import):
                tops |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                tops.add((node.module or "").split(".")[0] if not node.level else ".")
    return tops

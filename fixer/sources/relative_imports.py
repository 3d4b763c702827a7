"""Relative imports of a Python file: why one has no absolute form, and the rewrite.

Detection works on `ast`; the rewrite (`absolutize_imports`) imports libcst,
and only a fix calls it.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fixer.core.textfile import TextFile
from fixer.sources import statement_pieces
from fixer.sources.python import absolute_module, every_statement, parse

if TYPE_CHECKING:
    import libcst

_ROOT = "<root>"   # a stand-in parent for the import root: dots may climb up to it


def relative_imports(tree: ast.Module) -> list[ast.ImportFrom]:
    """In source order; statements only are walked (an import is one), not expressions."""
    return [n for n in every_statement(tree.body) if isinstance(n, ast.ImportFrom) and n.level > 0]


# what a `try` must catch for a failing import in its body to stop nothing: Python raises
# ImportError for a relative import above the top-level package
_CATCHING = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def guarded_lines(tree: ast.Module, main_runs: bool = True, stand_ins: bool = True) -> set[int]:
    """The lines of the relative imports in the body of a `try` whose handler catches their
    failure (`except ImportError:` with an absolute fallback): importing the module goes on;
    of those under `if TYPE_CHECKING:`, which never run; of those in the branch of an
    `if __package__:` (or the `else` of `if not __package__:`) that runs in a package only;
    and, unless `main_runs` (the module is the script Python runs), of those under
    `if __name__ == "__main__":`, which an imported module never runs. Unless `stand_ins`,
    not those of a `try` whose handlers import nothing (`except ImportError: x = None`): a
    stand-in keeps the module importing, but where the import always fails it is all the
    module ever gets."""
    lines: set[int] = set()
    for stmt in every_statement(tree.body):
        if isinstance(stmt, (ast.Try, ast.TryStar)) and any(_catches(h) for h in stmt.handlers) \
                and (stand_ins or _imports_a_fallback(stmt)) \
                or isinstance(stmt, ast.If) and _type_checking(stmt.test):
            guarded = stmt.body
        elif isinstance(stmt, ast.If) and _in_package(stmt.test) is not None:
            # `if __package__:` runs in a package only; `if not __package__: ... else:`
            guarded = stmt.body if _in_package(stmt.test) else stmt.orelse
        elif not main_runs and isinstance(stmt, ast.If) and _is_main(stmt.test):
            guarded = stmt.body   # a module imported (`uvicorn main:app`) is not `__main__`
        else:
            continue
        lines.update(n.lineno for n in every_statement(guarded)
                     if isinstance(n, ast.ImportFrom) and n.level > 0)
    lines.update(_fallback_lines(tree))
    return lines


def _fallback_lines(tree: ast.Module) -> set[int]:
    """The lines of the relative imports a `try`'s handler falls back on where the body
    imports the same names absolutely (`try: from util import X` / `except ImportError:
    from .util import X`): where the relative import would fail, the module runs at the top
    level, where the absolute one finds the module, and the handler never runs."""
    lines: set[int] = set()
    for stmt in every_statement(tree.body):
        if not isinstance(stmt, (ast.Try, ast.TryStar)):
            continue
        absolute = {alias.asname or alias.name for n in every_statement(stmt.body)
                    if isinstance(n, ast.ImportFrom) and not n.level for alias in n.names}
        lines.update(n.lineno for handler in stmt.handlers if _catches(handler)
                     for n in every_statement(handler.body)
                     if isinstance(n, ast.ImportFrom) and n.level > 0
                     and {a.asname or a.name for a in n.names} <= absolute)
    return lines


def _imports_a_fallback(stmt: ast.Try | ast.TryStar) -> bool:
    """A handler of the `try` imports something (`except ImportError: from db import x`)."""
    return any(isinstance(n, (ast.Import, ast.ImportFrom))
               for handler in stmt.handlers for n in every_statement(handler.body))


def _is_main(test: ast.expr) -> bool:
    """`__name__ == "__main__"`, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and
            isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides) and \
        any(isinstance(n, ast.Constant) and n.value == "__main__" for n in sides)


def _in_package(test: ast.expr) -> bool | None:
    """What a test of `__package__` says, which is empty or None where the module runs as
    top level (where a relative import fails): True when it holds inside a package only
    (`__package__`, `__package__ is not None`, `__package__ != ""`), False when at the top
    level only (`not __package__`, `__package__ is None or __package__ == ""`, `__package__
    in (None, "")`); None for any other test."""
    if isinstance(test, ast.Name):
        return True if test.id == "__package__" else None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _in_package(test.operand)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        parts = {_in_package(value) for value in test.values}
        wanted = False if isinstance(test.op, ast.Or) else True
        return wanted if parts == {wanted} else None
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and \
            isinstance(test.left, ast.Name) and test.left.id == "__package__":
        right, op = test.comparators[0], test.ops[0]
        empty = isinstance(right, ast.Constant) and right.value in (None, "") or \
            isinstance(right, (ast.Tuple, ast.List, ast.Set)) and all(
                isinstance(e, ast.Constant) and e.value in (None, "") for e in right.elts)
        if empty and isinstance(op, (ast.Is, ast.Eq, ast.In)):
            return False
        if empty and isinstance(op, (ast.IsNot, ast.NotEq, ast.NotIn)):
            return True
    return None


def _type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`: true for type checkers only."""
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or \
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def lazy_lines(tree: ast.Module) -> set[int]:
    """The lines of the relative imports inside a function: they run when it is called
    (a request), not when the module is imported."""
    return {n.lineno for stmt in every_statement(tree.body)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in every_statement(stmt.body) if isinstance(n, ast.ImportFrom) and n.level > 0}


def _catches(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True   # a bare `except:`
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any((n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute)
                else "") in _CATCHING for n in names)


def fails_at_import(level: int, package: str) -> bool:
    """A relative import that climbs above the top-level package of `package` (every one,
    in a top-level module): Python refuses it when the module is imported."""
    return level > (package.count(".") + 1 if package else 0)


def target_module(package: str, level: int, module: str | None,
                  rooted: bool = False) -> str | None:
    """The absolute name an import names. `rooted`: dots may climb up to the import root
    itself (`from ..db import x` in package `routers` names `db`): where the file sits,
    which is what the author meant where Python refuses the import."""
    if not rooted or not package:
        return absolute_module(package, level, module)
    found = absolute_module(f"{_ROOT}.{package}", level, module)
    if found is None:
        return None
    return "" if found == _ROOT else found[len(_ROOT) + 1:]


def import_problem(node: ast.ImportFrom, package: str, source: str,
                   rooted: bool = False) -> str | None:
    """Why this relative import has no safe absolute form; None when it has one."""
    written = "." * node.level + (node.module or "")
    if target_module(package, node.level, None, rooted) is None:
        return f"`{written}` climbs above the import root"
    if target_module(package, node.level, None, rooted):
        return None  # inside a package: the absolute name cannot be another module's
    if node.module is None and any(a.name == "*" for a in node.names):
        return "`from . import *` has no absolute form at the top level"
    segment = ast.get_source_segment(source, node) or ""
    if node.module is None and "(" in segment and "#" in segment:
        return "comments inside the parenthesized names would be lost"
    firsts = [node.module.split(".")[0]] if node.module else \
        [a.name.split(".")[0] for a in node.names]
    shadowed = [name for name in firsts if name in sys.stdlib_module_names]
    if shadowed:
        return f"`{shadowed[0]}` would resolve to the standard library module, not the local one"
    return None


def written(node: ast.ImportFrom) -> str:
    """The import as a short text: `from .db import x`, `from . import a, b`."""
    names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
    return f"from {'.' * node.level}{node.module or ''} import {names}"


@dataclass(frozen=True)
class RelativeImports:
    """The relative imports of one file, and why any of them has no absolute form."""

    nodes: list[ast.ImportFrom]
    problems: list[str]
    lazy: bool = False   # every one that stops is inside a function: it runs when called
    # the lines of those a `try` guards with a stand-in (`except ImportError: x = None`),
    # listed after the others: they stop nothing, but fail every time
    silent: frozenset[int] = frozenset()

    @property
    def stops(self) -> bool:
        """One of them stops the module (at import, or when its function runs)."""
        return any(n.lineno not in self.silent for n in self.nodes)

    def summary(self) -> str:
        more = f" (and {len(self.nodes) - 1} more)" if len(self.nodes) > 1 else ""
        return f"`{written(self.nodes[0])}`{more}"


def scan_relative(file: TextFile, package: str, failing: bool = False,
                  main_runs: bool = True,
                  module_exists: Callable[[str], bool] | None = None) -> RelativeImports | None:
    """The file's relative imports seen from `package`; None when it has none. `failing`:
    only those that fail when the module is imported, resolved from the import root (and,
    unless `main_runs`, not those of its `if __name__ == "__main__":` block). With
    `module_exists` (a dotted name of the import root is a module there), also the failing
    ones a `try` guards with a stand-in whose module exists: `silent`."""
    # `from.models import x` is one too: Python needs no space before the dots
    if "from ." not in file.text and not re.search(r"(?<![\w.])from\s*\.", file.text):
        return None  # cheap: most files have no relative import at all
    tree = parse(file)
    if tree is None:
        return None
    nodes = sorted((n for n in relative_imports(tree)
                    if not failing or fails_at_import(n.level, package)),
                   key=lambda n: (n.lineno, n.col_offset))
    silent: set[int] = set()
    if nodes and failing:   # a `try` that catches the failure keeps the import from stopping
        guarded = guarded_lines(tree, main_runs)
        if module_exists is not None:
            silent = {n.lineno for n in nodes if n.lineno in guarded - guarded_lines(
                tree, main_runs, stand_ins=False) and _names_modules(n, package, module_exists)}
        nodes = sorted((n for n in nodes if n.lineno not in guarded or n.lineno in silent),
                       key=lambda n: n.lineno in silent)   # stable: in source order each
    if not nodes:
        return None
    problems = [p for p in (import_problem(n, package, file.text, failing) for n in nodes) if p]
    lazy = lazy_lines(tree)
    return RelativeImports(nodes, problems, all(n.lineno in lazy for n in nodes
                                                if n.lineno not in silent), frozenset(silent))


def _names_modules(node: ast.ImportFrom, package: str, module_exists: Callable[[str], bool]
                   ) -> bool:
    """The module the import names, from where its file sits, exists (each name of `from .
    import a, b` at the import root, which only modules can answer)."""
    target = target_module(package, node.level, node.module, rooted=True)
    if target is None:
        return False
    if target:
        return module_exists(target)
    return all(alias.name != "*" and module_exists(alias.name) for alias in node.names)


# -- libcst rewrite (fix time only) -------------------------------------------------------------

def absolutize_imports(text: str, package: str, failing: bool = False,
                       main_runs: bool = True, silent: frozenset[int] = frozenset()) -> str:
    """The text with every resolvable relative import made absolute from the import root;
    `failing`: only those that fail at import, and are not guarded (see `scan_relative`),
    or are guarded with a stand-in on one of the `silent` lines.
    `from . import a, b` at the top level becomes one `import` line per name, at its
    indentation: `import a, b` is what linters reject (E401)."""
    import libcst as cst
    from libcst.helpers import get_full_name_for_node
    from libcst.metadata import MetadataWrapper, PositionProvider

    tree = ast.parse(text) if failing else _parsed(text)
    guarded = guarded_lines(tree, main_runs) - silent if failing and tree is not None \
        else set()

    class Absolutize(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def __init__(self, offset: int = 0) -> None:
            super().__init__()
            self.offset = offset   # a line of the module rewritten, to a line of the file

        def leave_ImportFrom(
                self, original: cst.ImportFrom, updated: cst.ImportFrom
        ) -> cst.BaseSmallStatement | cst.FlattenSentinel[cst.BaseSmallStatement]:
            level = len(updated.relative)
            if not level or (failing and not fails_at_import(level, package)):
                return updated
            if self.get_metadata(PositionProvider, original).start.line + self.offset \
                    in guarded:
                return updated   # `except ImportError:` takes over: nothing stops
            written = get_full_name_for_node(updated.module) if updated.module else None
            target = target_module(package, level, written, failing)
            if target is None:
                return updated
            if target:
                # `from.models import x` needs its space once the dots are gone
                spaced = updated.whitespace_after_from.value == ""
                moved = updated.with_changes(
                    relative=[], module=cst.parse_expression(target),
                    whitespace_after_from=cst.SimpleWhitespace(" ")
                    if spaced else updated.whitespace_after_from)
                return self._realigned(original, moved,
                                       len(target) - level - len(written or "") + spaced)
            if isinstance(updated.names, cst.ImportStar):
                return updated
            return cst.FlattenSentinel(_one_per_name(updated, updated.names))

        def _realigned(self, original: cst.ImportFrom, moved: cst.ImportFrom,
                       delta: int) -> cst.ImportFrom:
            """Continuation lines aligned under the first name (`from .db import (a,` over
            `                 b)`) moved by as much as the new module name moved that name:
            where a reader, and a linter's visual indent check (E128), expect them."""
            if not delta or isinstance(original.names, cst.ImportStar):
                return moved
            start = self.get_metadata(PositionProvider, original).start
            first = self.get_metadata(PositionProvider, original.names[0]).start
            if first.line != start.line:
                return moved   # a hanging indent (`import (` ending the line) stays
            return _shift_continuations(moved, start.column, first.column, delta)

        def leave_SimpleStatementLine(
                self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
        ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
            if len(original.body) > 1 or len(updated.body) == 1:
                return updated   # beside other statements (`x = 1; from . import a, b`)
            return cst.FlattenSentinel(_own_lines(updated))

    def rewritten(module: str, offset: int = 0) -> str:
        # the module is parsed here and used nowhere else: no copy of it for the metadata
        # (copying every node was a fifth of the rewrite's time)
        wrapper = MetadataWrapper(cst.parse_module(module), unsafe_skip_copy=True)
        return wrapper.visit(Absolutize(offset)).code

    def piece_rewritten(module: str, offset: int) -> str | None:
        try:
            return rewritten(module, offset)
        except cst.ParserSyntaxError:
            return None   # not on its own: the whole module is rewritten

    found = statement_pieces.pieces(text, relative_imports(tree)) if tree is not None else None
    by_pieces = statement_pieces.rewrite(text, found, piece_rewritten) if found else None
    if by_pieces is not None:
        return by_pieces
    body, tail = _split_blank_tail(text)
    old_mac = _CR_TAIL.search(body)   # old Mac line breaks end it: libcst drops them
    if old_mac is not None:
        body, tail = body[:old_mac.start()], old_mac.group() + tail
    try:
        return rewritten(body) + tail
    except cst.ParserSyntaxError as exc:
        raise ValueError(f"libcst cannot parse the file: {exc.message}") from None


def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None   # libcst says why, as it did


# the blank lines ending a file after its last line break that follows text
_BLANK_TAIL = re.compile(r"(?<=\n)[ \t\f\r\n]*\Z")
# old Mac line breaks (a lone CR) ending a file, and the blank lines among them
_CR_TAIL = re.compile(r"\r[ \t\f\r]*\Z")


def _split_blank_tail(text: str) -> tuple[str, str]:
    """The text, and the blank lines that end it: libcst drops blank lines before a last
    line of spaces (`x = 1\\n\\n  ` comes back as `x = 1\\n  `), bytes no rewrite owns."""
    found = _BLANK_TAIL.search(text)
    return (text, "") if found is None else (text[:found.start()], found.group())


def _shift_continuations(node: libcst.ImportFrom, indent: int, column: int,
                         delta: int) -> libcst.ImportFrom:
    """`node` with each line break among its names that lands on `column` landing `delta`
    further; `indent`: the statement's own column, which an indented line break counts
    from (libcst writes the block's indentation apart)."""
    import libcst as cst

    def shifted(space: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
        if isinstance(space, cst.ParenthesizedWhitespace):
            base = indent if space.indent else 0
            if base + len(space.last_line.value) == column:
                return space.with_changes(
                    last_line=cst.SimpleWhitespace(" " * (column + delta - base)))
            return space
        if not isinstance(space, cst.SimpleWhitespace):
            return space
        broken = _BACKSLASH_BREAK.fullmatch(space.value)
        if broken and len(broken.group(2)) == column:
            return cst.SimpleWhitespace(broken.group(1) + " " * (column + delta))
        return space

    assert not isinstance(node.names, cst.ImportStar)
    names = [alias.with_changes(comma=alias.comma.with_changes(
        whitespace_after=shifted(alias.comma.whitespace_after)))
        if isinstance(alias.comma, cst.Comma) else alias for alias in node.names]
    rpar = node.rpar.with_changes(whitespace_before=shifted(node.rpar.whitespace_before)) \
        if node.rpar is not None else None
    return node.with_changes(names=names, rpar=rpar)


# a line break inside a statement written with a backslash: `a, \` and the next line's indent
_BACKSLASH_BREAK = re.compile(r"([ \t]*\\\r?\n)( *)")


def _one_per_name(node: libcst.ImportFrom,
                  names: Sequence[libcst.ImportAlias]) -> list[libcst.Import]:
    """`from . import a, b as c` (maybe parenthesized over lines) as `import a; import b as
    c`: the statement's line is split by `_own_lines` where it holds nothing else."""
    import libcst as cst

    out = [cst.Import(names=[alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)],
                      whitespace_after_import=node.whitespace_after_import) for alias in names]
    return out[:-1] + [out[-1].with_changes(semicolon=node.semicolon)]


def _own_lines(line: libcst.SimpleStatementLine) -> list[libcst.SimpleStatementLine]:
    """Each import of a split line on a line of its own: the comments above stay above the
    first, and a comment after the statement follows each (a `# noqa` holds for every name)."""
    import libcst as cst

    return [line.with_changes(body=[statement.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                              leading_lines=line.leading_lines if i == 0 else ())
            for i, statement in enumerate(line.body)]

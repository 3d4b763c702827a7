"""Python source files: parsed with `ast`/tokenize to detect, rewritten with libcst to fix.

Detection must stay cheap (`fixer check` never imports libcst), so everything
here works on `ast` trees or tokens, except `narrow_edit`, which turns a
rewritten text (libcst's, at fix time) into one splice. Relative imports are in
`relative_imports`, name resolution across modules in `python_modules`, FastAPI
apps and routes in `fastapi_routes`, their classes in `fastapi_classes`.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from collections.abc import Iterator
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.sources import compile_ahead

_PARSED: Memo[ast.Module | None] = Memo("python syntax tree")
Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef


def parse(file: TextFile) -> ast.Module | None:
    """The module's tree; None when it does not parse (another tool's problem, not ours)."""
    return file.derived.get(_PARSED, lambda: _parse(file))


def _parse(file: TextFile) -> ast.Module | None:
    if declaration_problem(file) is not None:
        return None   # Python refuses the file before it parses it
    try:
        return ast.parse(file.text, file.path)
    except (SyntaxError, ValueError):
        return None


class CompileError(NamedTuple):
    """Where and why the compiler rejects a module."""

    line: int
    message: str   # `SyntaxError: invalid syntax`

    def unread(self, path: str, text: str = "") -> str:
        """`fixer's Python 3.11 cannot read app/x.py:3 (SyntaxError: ...)`: the compiler that
        rejects it is fixer's own, which may be older than the image's. Where no Python
        reads it (`text` holds a merge-conflict marker, an IndentationError), it says so."""
        marker = CONFLICT_MARKER.search(text)
        if marker is not None:
            at = text.count("\n", 0, marker.start()) + 1
            return (f"{path}:{at} does not compile (a merge-conflict marker "
                    f"`{marker.group(0).rstrip()}`)")
        if self.message.startswith("IndentationError"):
            return f"{path}:{self.line} does not compile ({self.message})"
        running = ".".join(map(str, sys.version_info[:2]))
        return f"fixer's Python {running} cannot read {path}:{self.line} ({self.message})"


# git writes `<<<<<<< ours`, `=======`, `>>>>>>> theirs`; a lone `=======` may be a
# docstring's heading underline
CONFLICT_MARKER = lazy_compile(r"^(?:<{7}|>{7})(?:[ \t].*)?$", re.M)


_COMPILED: Memo[CompileError | None] = Memo("python compile problem")


def compile_problem(file: TextFile) -> CompileError | None:
    """Why the module does not compile (None when it does): a syntax error, a NUL byte, or
    what `ast.parse` lets through and code generation refuses (`return` outside a function).
    The one answer for every check of "this file imports"."""
    return file.derived.get(_COMPILED, lambda: _compile(file))


def compiled_known(file: TextFile) -> bool:
    """Whether the module's compile problem was asked already."""
    return file.derived.has(_COMPILED)


def _compile(file: TextFile) -> CompileError | None:
    declared = declaration_problem(file)
    if declared is not None:
        return declared
    ahead = compile_ahead.answer(file)   # the same answer, from a worker on another core
    if ahead is not None:
        return None if ahead.compiles else CompileError(ahead.line, ahead.message)
    tree = parse(file)
    try:
        with warnings.catch_warnings():   # a warning ("is" with a literal) stops no import
            warnings.simplefilter("ignore")
            compile(file.text if tree is None else tree, file.path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return CompileError(exc.lineno or 1, f"{type(exc).__name__}: {exc.msg}")
    except (ValueError, RecursionError) as exc:   # a NUL character; nesting too deep
        return CompileError(1, f"{type(exc).__name__}: {exc}")
    return None


def declaration_problem(file: TextFile) -> CompileError | None:
    """Why Python refuses the module's coding declaration (PEP 263), which fixer, reading
    the file as UTF-8 where the declaration is no codec it can use, does not: a codec other
    than UTF-8 after a UTF-8 BOM, or one Python does not know. Compiling the text alone
    passes both."""
    if "coding" not in "\n".join(file.text.split("\n", 2)[:2]):
        return None   # no declaration: nothing to refuse
    try:
        tokenize.detect_encoding(io.BytesIO(file.encode()).readline)
    except SyntaxError as exc:
        said = str(exc.msg or exc)
        if file.bom and said.startswith("encoding problem"):   # tokenize says `utf-8` only
            said = "encoding problem: a UTF-8 BOM, then a coding declaration of another codec"
        return CompileError(1, f"SyntaxError: {said}")
    return None


class LineIndex:
    """Line/column positions (ast columns count UTF-8 bytes) to character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(self, line: int, byte_column: int) -> int:
        start = self.starts[line - 1]
        prefix = self.text[start:start + byte_column].encode("utf-8")[:byte_column]
        return start + len(prefix.decode("utf-8", "ignore"))

    def line_end(self, line: int) -> int:
        """Offset just past the line's newline (the end of the text for the last line)."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line - 1]:self.line_end(line)]


# the statements `statements` goes into: what they bind includes what their blocks bind
BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith)


def statements(body: list[ast.stmt]) -> Iterator[tuple[ast.stmt, ast.stmt]]:
    """(top statement, statement) for each statement of a body, into if/try/with blocks
    but not into function or class bodies: what runs when the body runs."""
    for top in body:
        if not isinstance(top, BLOCKS):   # most statements: nothing nested runs with it
            yield top, top
            continue
        stack: list[ast.stmt] = [top]
        while stack:
            stmt = stack.pop(0)
            yield top, stmt
            if isinstance(stmt, BLOCKS):
                stack.extend(stmt.body)
                stack.extend(getattr(stmt, "orelse", []))
                stack.extend(getattr(stmt, "finalbody", []))
                for handler in getattr(stmt, "handlers", []):
                    stack.extend(handler.body)


# the statements that hold other statements (`try*` from Python 3.11, `match` from 3.10)
_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
             ast.While, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.Match)

# kinds of statement, as tuples built once (the walks below are hot): definitions bind their
# own name and hold a body and nothing else; imports and assignments bind names themselves
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_IMPORTS = (ast.Import, ast.ImportFrom)
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)


def every_statement(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Each statement at any depth, function and class bodies included, without visiting
    expressions: an import is a statement, and a module has ten times more expressions."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if not isinstance(stmt, _COMPOUND):   # most statements: nothing nested to look up
            continue
        if isinstance(stmt, _DEFINITIONS):   # most of the others: nothing but a body
            stack.extend(reversed(stmt.body))
            continue
        nested: list[ast.stmt] = list(getattr(stmt, "body", []))   # in source order
        for part in [*getattr(stmt, "handlers", []), *getattr(stmt, "cases", [])]:
            nested += part.body
        nested += [*getattr(stmt, "orelse", []), *getattr(stmt, "finalbody", [])]
        stack.extend(reversed(nested))


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` as a list, in the same order, at about half the cost (no
    generator per node): the walks over every node of a handler are hot."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)   # a field may be unset; `iter_fields` skips it
        if isinstance(value, list):
            found += [item for item in value if isinstance(item, ast.AST)]
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def main_guard(node: ast.AST) -> bool:
    """`if __name__ == "__main__":`, whose body runs only where the module is the script
    Python was started with, never as it is imported."""
    return isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` of a name or a chain of attributes on one, as `ast.unparse` writes it; None
    for any other node (which `ast.unparse` then writes at a higher cost)."""
    attributes: list[str] = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(attributes)])


def called_name(call: ast.Call) -> str | None:
    """The called function's own name: `run` of `uvicorn.run(...)`, `f` of `f(...)`."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else None


def alternatives(value: ast.expr | None) -> list[ast.expr | None]:
    """The values a conditional expression may give (`{} if debug else {"docs_url": None}`:
    both dicts; `a if x else b if y else c`: all three), each a run may take; the value
    itself otherwise."""
    if isinstance(value, ast.IfExp):
        return [*alternatives(value.body), *alternatives(value.orelse)]
    return [value]


def dict_keywords(value: ast.expr | None) -> list[ast.keyword] | None:
    """The keywords a dict spells out: a literal with string keys, or `dict(k=v, ...)`;
    None for any other value (`dict(base)`, `{**base}`, `settings.kwargs`)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
            value.func.id == "dict" and not value.args and \
            all(k.arg is not None for k in value.keywords):
        return list(value.keywords)
    if not isinstance(value, ast.Dict):
        return None
    written: list[ast.keyword] = []
    for key, item in zip(value.keys, value.values):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        written.append(ast.keyword(arg=key.value, value=item))
    return written


def name_uses(node: ast.AST, name: str) -> int:
    """How often `name` is written as a name under `node` (bound or read)."""
    return sum(1 for found in ast.walk(node) if isinstance(found, ast.Name) and found.id == name)


def bound_names(body: list[ast.stmt]) -> set[str]:
    """Names a body binds: defs, classes, assignments to plain names and imports."""
    names: set[str] = set()
    for _top, stmt in statements(body):
        names.update(own_names(stmt))
    return names


def own_names(stmt: ast.stmt) -> list[str]:
    """The names one statement binds itself, not through the statements it holds."""
    if isinstance(stmt, _DEFINITIONS):
        return [stmt.name]
    if isinstance(stmt, _IMPORTS):
        return [(a.asname or a.name).split(".")[0] for a in stmt.names]
    if isinstance(stmt, _ASSIGNMENTS):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return [name for target in targets for name in _target_names(target)]
    return []


def _target_names(target: ast.expr) -> Iterator[str]:
    """`name = `, `name, other = `, `*name, = `; never `name.attr = ` nor `name[key] = `,
    which set a part of the object `name` stands for and bind nothing."""
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)
    elif isinstance(target, ast.Name):
        yield target.id


# -- style --------------------------------------------------------------------------------------

def indent_unit(text: str) -> str:
    """The file's indentation step (the first indented block's: spaces, or tabs in a file
    indented with tabs); in a file with no block, a tab where most of its indented lines
    (a call's arguments) start with one; else four spaces."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.INDENT:
                step = token.string
                return step if len(set(step)) == 1 else "    "   # not a mix of both
    except (tokenize.TokenError, SyntaxError):
        pass
    starts = [line[0] for line in text.splitlines() if line[:1] in ("\t", " ") and line.strip()]
    return "\t" if starts.count("\t") > starts.count(" ") else "    "


def prevailing_quote(text: str) -> str | None:
    """The quote most of the file's plain string literals use; None on a tie."""
    counts = {'"': 0, "'": 0}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and token.string[:1] in counts \
                    and not token.string.startswith(('"""', "'''")):
                counts[token.string[0]] += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    if counts["'"] == counts['"']:
        return None
    return "'" if counts["'"] > counts['"'] else '"'


# -- module names -------------------------------------------------------------------------------

def module_name(path: str, root: str) -> str | None:
    """`app/db.py` under root "" -> `app.db`; `app/__init__.py` -> `app`; None outside root."""
    relative = path[len(root) + 1:] if root else path
    if root and not path.startswith(root + "/") or not relative.endswith(".py"):
        return None
    parts = relative[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


def package_of(path: str, root: str) -> str | None:
    """The `__package__` a module file gets when imported from `root` ("" at the top level)."""
    name = module_name(path, root)
    if name is None:
        return None
    return name if path.endswith("/__init__.py") or path == "__init__.py" else name.rpartition(".")[0]


def absolute_module(package: str, level: int, module: str | None) -> str | None:
    """The absolute name of `from <level dots><module> import`, seen from `package`.

    A top-level module (package "") is given the import root as its parent, so
    `from .db import x` becomes `db` and `from . import m` becomes "" (meaning
    `import m`). None when the dots climb above the root.
    """
    parts = package.split(".") if package else []
    if not parts:
        return (module or "") if level == 1 else None
    if level - 1 >= len(parts):
        return None
    base = parts[:len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


# -- fix time -----------------------------------------------------------------------------------

def narrow_edit(path: str, old: str, new: str) -> TextEdit | None:
    """One splice covering just the characters that differ between old and new."""
    if old == new:
        return None
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return TextEdit(path, start, end_old, new[start:end_new])

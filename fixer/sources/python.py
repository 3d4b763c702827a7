"""Python source files: parsed with `ast`/tokenize to detect, rewritten with libcst to fix.

Detection must stay cheap (`fixer check` never imports libcst), so everything
here works on `ast` trees or tokens, except `narrow_edit`, which turns a
rewritten text (libcst's, at fix time) into one splice. Relative imports are in
`relative_imports`, name resolution across modules in `python_modules`, FastAPI
apps and routes in `fastapi_routes`.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator

from fixer.edits import TextEdit
from fixer.textfile import TextFile

_PARSED: dict[tuple[str, str], ast.Module | None] = {}
_PARSED_LIMIT = 20_000
Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef


def parse(file: TextFile) -> ast.Module | None:
    """The module's tree; None when it does not parse (another tool's problem, not ours)."""
    key = (file.path, file.text)
    if key not in _PARSED:
        if len(_PARSED) > _PARSED_LIMIT:
            _PARSED.clear()
        try:
            _PARSED[key] = ast.parse(file.text, file.path)
        except (SyntaxError, ValueError):
            _PARSED[key] = None
    return _PARSED[key]


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


def statements(body: list[ast.stmt]) -> Iterator[tuple[ast.stmt, ast.stmt]]:
    """(top statement, statement) for each statement of a body, into if/try/with blocks
    but not into function or class bodies: what runs when the body runs."""
    for top in body:
        stack: list[ast.stmt] = [top]
        while stack:
            stmt = stack.pop(0)
            yield top, stmt
            if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.AsyncWith)):
                stack.extend(stmt.body)
                stack.extend(getattr(stmt, "orelse", []))
                stack.extend(getattr(stmt, "finalbody", []))
                for handler in getattr(stmt, "handlers", []):
                    stack.extend(handler.body)


def bound_names(body: list[ast.stmt]) -> set[str]:
    """Names a body binds: defs, classes, assignments and imports."""
    names: set[str] = set()
    for _top, stmt in statements(body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


# -- style --------------------------------------------------------------------------------------

def indent_unit(text: str) -> str:
    """The file's indentation step (the first indented block's), four spaces by default."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.INDENT:
                return token.string if token.string.strip(" ") == "" else "    "
    except (tokenize.TokenError, SyntaxError):
        pass
    return "    "


def quote_char(text: str) -> str:
    """The quote most of the file's plain string literals use; `"` when undecided."""
    counts = {'"': 0, "'": 0}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and token.string[:1] in counts \
                    and not token.string.startswith(('"""', "'''")):
                counts[token.string[0]] += 1
    except (tokenize.TokenError, SyntaxError):
        pass
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

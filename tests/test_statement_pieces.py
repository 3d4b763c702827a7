"""Relative imports rewritten one statement at a time write what the rewrite of the whole
module writes (fixer/sources/statement_pieces.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.sources import relative_imports, statement_pieces
from fixer.sources.relative_imports import absolutize_imports
from support import REPO


def rewritten(text: str, package: str, failing: bool = False) -> str:
    """What the rewrite writes, or why it could not."""
    try:
        return absolutize_imports(text, package, failing=failing)
    except (ValueError, SyntaxError) as exc:
        return f"{type(exc).__name__}: {exc}"


def whole_module(text: str, package: str, failing: bool = False) -> str:
    """What the rewrite of the whole module writes (no statement rewritten on its own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(statement_pieces, "pieces", lambda *_: None)
        return rewritten(text, package, failing)


def spans(text: str) -> list[str] | None:
    found = statement_pieces.pieces(text, relative_imports.relative_imports(ast.parse(text)))
    return None if found is None else [text[p.start:p.end] for p in found]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("from . import a\n", ["from . import a\n"], id="alone"),
    pytest.param("def f():\n    from .b import c  # why\n", ["    from .b import c  # why\n"],
                 id="indented-with-a-comment"),
    pytest.param("from .b import (c,\n               d);\nx = 1\n",
                 ["from .b import (c,\n               d);\n"], id="over-lines-with-a-semicolon"),
    pytest.param("from . import a\r\nfrom .. import b", ["from . import a\r\n", "from .. import b"],
                 id="crlf-and-no-line-break-at-the-end"),
    pytest.param("x = 1\rfrom . import a\r", None, id="old-mac-line-breaks"),
    pytest.param("x = 1; from . import a\n", None, id="after-another-statement"),
    pytest.param("from . import a; x = 1\n", None, id="before-another-statement"),
    pytest.param("try: from . import a\nexcept ImportError: pass\n", None, id="after-a-try"),
    pytest.param("if True:\n    pass\nelse: from . import a\n", None, id="after-an-else"),
])
def test_a_statement_is_a_piece_only_where_it_stands_alone(
        text: str, expected: list[str] | None) -> None:
    assert spans(text) == expected


CASES = [
    "from .db import x\n",
    "from . import a, b as c  # noqa\n",
    "x = 1\nfrom .. import (\n    a,\n    b,\n)\n",
    "from..db import (a,\n                 b)\n",
    "from ..db import a, \\\n                 b\n",
    "def f():\n    from .v1 . items import y\n    return y\n",
    "class A:\n\tfrom . import a, b\n",
    "try:\n    from .a import b\nexcept ImportError:\n    b = None\n",
    "if x:\n    from . import a, b;\n",
    "from . import a, b\r\nfrom .c import d\r\n",
    "\"\"\"doc\"\"\"\n\n\nfrom .a import b\n\n  ",
    "x = 1; from . import a, b\nfrom .c import d\n",
    "# é\nfrom .é import ü  # ß\n",
    "from . import a, b",
    "x = 1\rfrom . import a, b\rdef f():\r    from .c import d\r",
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("failing", [False, True])
def test_each_statement_alone_writes_what_the_whole_module_writes(text: str,
                                                                    failing: bool) -> None:
    package = "app.api" if not failing else ""
    assert rewritten(text, package, failing) == whole_module(text, package, failing)


def golden_modules() -> list[Path]:
    return sorted(p for case in ("I001-relative-import-in-script", "I002-relative-import")
                  for p in (REPO / "golden" / case).rglob("*.py")
                  if "/before/" in p.as_posix() and "from ." in p.read_text("utf-8"))


@pytest.mark.parametrize("path", golden_modules(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_the_golden_modules_are_written_alike(path: Path) -> None:
    text = path.read_text("utf-8")
    assert rewritten(text, "app.api") == whole_module(text, "app.api")


# -- modules built of relative imports of every shape, among other lines --------------------

_NAMES = st.sampled_from(["a", "b", "db", "models"])
_IMPORT = st.builds(
    lambda dots, module, names, shape, comment, semicolon: (
        f"from {'.' * dots}{module} import "
        + {"flat": ", ".join(names),
           "parens": "(" + ",\n    ".join(names) + ",\n)",
           "aligned": "(" + (",\n" + " " * (len(f"from {'.' * dots}{module} import (")))
           .join(names) + ")",
           "backslash": ", \\\n    ".join(names)}[shape]
        + (";" if semicolon else "") + ("  # keep" if comment else "")),
    st.integers(1, 2), st.sampled_from(["", "db", "v1.items"]),
    st.lists(_NAMES, min_size=1, max_size=3, unique=True),
    st.sampled_from(["flat", "parens", "aligned", "backslash"]), st.booleans(), st.booleans())
_OTHER = st.sampled_from(["x = 1", "import os", "# a comment", "", "def f():\n    return 1"])


@st.composite
def modules(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["import", "other", "nested", "deep", "shared"]))
        statement = draw(_IMPORT)
        if kind == "other":
            lines.append(draw(_OTHER))
        elif kind == "nested":
            indent = draw(st.sampled_from(["    ", "\t", "        "]))
            lines.append(f"if x:\n{indent}" + statement.replace("\n", "\n" + indent))
        elif kind == "deep":   # two blocks: their indentations add up
            indent = draw(st.sampled_from(["    " * 2, "\t\t", "\t    "]))
            lines.append(f"class A:\n{indent[:len(indent) // 2 or 1]}def f(self):\n{indent}"
                         + statement.replace("\n", "\n" + indent))
        elif kind == "shared":
            lines.append("y = 2; " + statement)
        else:
            lines.append(statement)
    physical = "\n".join(lines).split("\n")
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    mixed = draw(st.booleans())   # line breaks that differ from line to line
    breaks = [draw(st.sampled_from(["\n", "\r\n"])) if mixed else newline for _ in physical]
    text = "".join(line + end for line, end in zip(physical[:-1], breaks)) + physical[-1]
    return text + draw(st.sampled_from(["", newline, newline * 2, newline + "  "]))


@settings(max_examples=300, deadline=None)
@given(modules())
def test_any_module_is_written_alike(text: str) -> None:
    try:
        ast.parse(text)
    except SyntaxError:
        return   # the shapes combined into what Python refuses: not a module fixer rewrites
    assert rewritten(text, "app.api") == whole_module(text, "app.api")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("x = 1\rfrom . import a, b\r", "x = 1\rimport a\rimport b\r", id="one"),
    pytest.param("from .c import d\r\r  ", "from c import d\r\r  ", id="blank-lines-after-it"),
    pytest.param("from . import x\r\n\r\n", "import x\r\n\r\n", id="crlf-unchanged"),
])
def test_old_mac_line_breaks_ending_a_file_are_kept(text: str, expected: str) -> None:
    # libcst drops a lone CR that ends a module: the rewrite keeps it apart and puts it back
    assert absolutize_imports(text, "") == expected

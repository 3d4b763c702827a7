"""Walking a module's statements: every import is found, wherever it stands."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.sources.python import every_statement

NESTED = '''
import a
if x:
    import b
else:
    from c import d
try:
    import e
except ImportError:
    import f
finally:
    import g
def h():
    import i
    class J:
        import k
for _ in y:
    import l
while z:
    import m
with w:
    import n
match v:
    case 1:
        import o
async def p():
    async with q:
        import r
'''


def imported(source: str) -> list[str]:
    tree = ast.parse(source)
    return [a.name for node in every_statement(tree.body)
            if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names]


def test_every_statement_reaches_imports_in_every_block() -> None:
    assert imported(NESTED) == list("abdefgiklmnor")


BLOCKS = st.sampled_from(["if x:", "def f():", "class C:", "for _ in y:", "with w:",
                          "try:", "while z:"])


@settings(max_examples=60, deadline=None)
@given(st.lists(BLOCKS, max_size=6))
def test_every_statement_finds_what_ast_walk_finds(openers: list[str]) -> None:
    lines, indent = [], ""
    for opener in openers:
        lines.append(indent + opener)
        indent += "    "
        if opener == "try:":
            lines += [indent + "import t", indent[:-4] + "except E:"]
        lines.append(indent + "import deep")
    source = "\n".join(lines) + "\n"
    walked = [a.name for node in ast.walk(ast.parse(source))
              if isinstance(node, ast.Import) for a in node.names]
    assert sorted(imported(source)) == sorted(walked)


def test_every_statement_kind_that_holds_statements_is_walked_into() -> None:
    """A statement kind a newer Python adds with a body of its own must not be skipped."""
    from fixer.sources.python import _COMPOUND
    kinds = [k for k in vars(ast).values()
             if isinstance(k, type) and issubclass(k, ast.stmt) and k is not ast.stmt]
    holders = {k for k in kinds
               if set(k._fields) & {"body", "orelse", "finalbody", "handlers", "cases"}}
    assert holders == set(_COMPOUND)

"""sources/python_modules.py: `folded_text` reads a string a module builds from literals
and its own constants, bound once at its top level; anything else is unknown."""

from __future__ import annotations

import ast

import pytest

from fixer.sources.python_modules import folded_text


def folded(module: str, expression: str) -> str | None:
    tree = ast.parse(module)
    return folded_text(tree, ast.parse(expression, mode="eval").body)


@pytest.mark.parametrize(("module", "expression", "text"), [
    ('BASE = "/svc"\nAPI = f"{BASE}/api/v1"\n', 'f"{API}/_ping"', "/svc/api/v1/_ping"),
    ('API = "/api"\n', 'API + "/items"', "/api/items"),
    ("PREFIX: str = '/v2'\n", "PREFIX", "/v2"),
    ("", '"/health"', "/health"),
    # bound twice: which text it holds where the route is added is not read
    ('API = "/api"\nAPI = "/v2"\n', 'f"{API}/x"', None),
    # bound under an `if`: a setting may choose another
    ('API = "/api"\nif DEBUG:\n    DEBUG_API = "/dbg"\n', 'f"{DEBUG_API}/x"', None),
    ('import os\nAPI = os.environ["API"]\n', 'f"{API}/x"', None),
    # a conversion or a format spec changes the text
    ('API = "/api"\n', 'f"{API!r}/x"', None),
    ('N = "7"\n', 'f"/v{N:>3}"', None),
    ("", 'f"{undefined}/x"', None),
])
def test_folded_text(module: str, expression: str, text: str | None) -> None:
    assert folded(module, expression) == text

"""The folders an expression names beside its module's file (fixer/sources/file_relative.py)."""

from __future__ import annotations

import ast

import pytest

from fixer.sources.file_relative import folder_beside

CONSTANTS = ("import os\nfrom pathlib import Path\n"
             "BASE_DIR = Path(__file__).resolve().parent.parent\n"
             "HERE = os.path.dirname(os.path.abspath(__file__))\n")


@pytest.mark.parametrize(("expression", "folder"), [
    ('os.path.join(os.path.dirname(__file__), "static")', "static"),
    ('os.path.join(os.path.dirname(os.path.realpath(__file__)), "a", "b")', "a/b"),
    ('os.path.join(os.path.dirname(os.path.dirname(__file__)), "media")', "../media"),
    ('Path(__file__).parent / "static"', "static"),
    ('Path(__file__).resolve().parent / "static"', "static"),
    ('str(Path(__file__).absolute().parent.joinpath("static"))', "static"),
    ('Path(__file__).parents[1] / "static"', "../static"),
    ('BASE_DIR / "media"', "../media"),
    ('os.path.join(HERE, "templates")', "templates"),
    ("os.path.dirname(__file__)", "."),
])
def test_a_folder_built_from_file_is_read(expression: str, folder: str) -> None:
    tree = ast.parse(CONSTANTS + f"X = {expression}\n")
    assert folder_beside(tree.body, ast.parse(expression, mode="eval").body) == folder


@pytest.mark.parametrize("expression", [
    "__file__",                                   # the module's file, not a folder
    'os.path.join(settings.BASE, "static")',      # a setting
    'os.environ["STATIC"]',
    'os.path.join(os.path.dirname(__file__), "/srv/static")',   # an absolute part wins
    'os.path.join(os.path.dirname(__file__), name)',            # a part fixer cannot read
    'Path(__file__).parent / f"{name}"',
    'Path(__file__).with_name("static")',
    "UNKNOWN",
])
def test_what_fixer_cannot_read_is_none(expression: str) -> None:
    tree = ast.parse(CONSTANTS)
    assert folder_beside(tree.body, ast.parse(expression, mode="eval").body) is None

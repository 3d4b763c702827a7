"""The oldest Python a project states: what a route fixer adds must import on."""

from __future__ import annotations

import pytest

from fixer.core.derived import Read
from fixer.core.textfile import TextFile
from fixer.facts.health.pythonfloor import declared_floor, floor_of


def reader(files: dict[str, str]) -> Read:
    return lambda path: TextFile(path, files[path]) if path in files else None


@pytest.mark.parametrize(("specifier", "floor"), [
    (">=3.8", (3, 8)), ("^3.8", (3, 8)), (">=3.8,<4", (3, 8)), ("^3.8 || ^3.10", (3, 8)),
    ("~3.10", (3, 10)), ("==3.11.*", (3, 11)), ("*", None), ("<3.12", None),
])
def test_floor_of_a_specifier(specifier: str, floor: tuple[int, int] | None) -> None:
    assert floor_of(specifier) == floor


def test_the_nearest_pyproject_that_states_one_counts() -> None:
    files = {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.8"\n',
             "api/pyproject.toml": '[tool.black]\nline-length = 100\n',
             "web/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\n'}
    read = reader(files)
    assert declared_floor(read, "api") == (3, 8)      # api's own states none: the root's
    assert declared_floor(read, "web") == (3, 11)
    assert declared_floor(reader({}), "api") is None

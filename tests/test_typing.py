"""The code base type-checks under mypy --strict (the style the project holds to)."""

from __future__ import annotations

from mypy import api

from support import REPO


def test_mypy_strict_passes() -> None:
    stdout, stderr, status = api.run(["--config-file", str(REPO / "pyproject.toml"),
                                      str(REPO / "fixer"), str(REPO / "rules")])
    assert status == 0, stdout + stderr

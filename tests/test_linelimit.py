"""sources/linelimit.py: the line length the configuration nearest a file sets."""

from __future__ import annotations

import pytest

from fixer.sources.linelimit import LineLimit, line_limit


@pytest.mark.parametrize(("files", "found"), [
    pytest.param({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"},
                 LineLimit(100, "pyproject.toml (`[tool.ruff]`)"), id="ruff-in-pyproject"),
    pytest.param({"pyproject.toml": "[tool.black]\ntarget-version = ['py312']\n"},
                 LineLimit(88, "pyproject.toml (`[tool.black]`)"), id="black-default"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['E']\n",
                  "pyproject.toml": "[tool.black]\nline-length = 120\n"},
                 LineLimit(88, "ruff.toml"), id="ruff-toml-first"),
    pytest.param({"setup.cfg": "[flake8]\nmax-line-length = 120\n"},
                 LineLimit(120, "setup.cfg (`[flake8]`)"), id="flake8-written"),
    pytest.param({"setup.cfg": "[flake8]\nexclude = .git\n"}, None, id="flake8-default-unread"),
    pytest.param({"pyproject.toml": "[project]\nname = 'x'\n"}, None, id="no-tool"),
    pytest.param({"api/pyproject.toml": "[tool.ruff]\nline-length = 79\n",
                  "pyproject.toml": "[tool.ruff]\nline-length = 120\n"},
                 LineLimit(79, "api/pyproject.toml (`[tool.ruff]`)"), id="nearest-folder"),
    pytest.param({"pyproject.toml": "[tool.ruff\n"}, None, id="unreadable-toml"),
])
def test_the_nearest_configuration_sets_the_limit(files: dict[str, str],
                                                  found: LineLimit | None) -> None:
    assert line_limit(files.get, "api/app/routers/auth.py") == found

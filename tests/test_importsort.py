"""sources/importsort.py: the tool that keeps a file's imports sorted, as its settings say."""

from __future__ import annotations

import pytest

from fixer.sources.importsort import ImportSorter, import_sorter

RUFF = "ruff's I001"


@pytest.mark.parametrize(("files", "found"), [
    pytest.param({"pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'F', 'I']\n"},
                 ImportSorter(RUFF, "pyproject.toml (`[tool.ruff]`)"), id="ruff-selects-i"),
    pytest.param({"pyproject.toml": "[tool.ruff]\nextend-select = ['I001']\n"},
                 ImportSorter(RUFF, "pyproject.toml (`[tool.ruff]`)"), id="top-level-extend"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['ALL']\n"},
                 ImportSorter(RUFF, "ruff.toml"), id="all"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['ALL']\nignore = ['I']\n"},
                 None, id="all-but-i-ignored"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['I001']\nignore = ['I']\n"},
                 ImportSorter(RUFF, "ruff.toml"), id="the-more-specific-select-wins"),
    pytest.param({"pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'F', 'IMP']\n"},
                 None, id="another-rule-starting-with-i"),
    pytest.param({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, None,
                 id="ruff-defaults-sort-nothing"),
    pytest.param({"api/ruff.toml": "extend = '../ruff.toml'\nline-length = 100\n",
                  "ruff.toml": "[lint]\nextend-select = ['I']\n"},
                 ImportSorter(RUFF, "api/ruff.toml"), id="extended-settings"),
    pytest.param({"api/pyproject.toml": "[tool.ruff]\nextend = '../pyproject.toml'\n",
                  "pyproject.toml": "[tool.ruff.lint]\nselect = ['I']\n"},
                 ImportSorter(RUFF, "api/pyproject.toml (`[tool.ruff]`)"),
                 id="extended-pyproject"),
    pytest.param({"api/pyproject.toml": "[tool.ruff.lint]\nselect = ['E']\n",
                  "pyproject.toml": "[tool.ruff.lint]\nselect = ['I']\n"},
                 None, id="the-nearest-ruff-settings-decide"),
    pytest.param({"pyproject.toml": "[tool.isort]\nprofile = 'black'\n"},
                 ImportSorter("isort", "pyproject.toml (`[tool.isort]`)"), id="isort-pyproject"),
    pytest.param({"api/.isort.cfg": "[settings]\nprofile=black\n"},
                 ImportSorter("isort", "api/.isort.cfg"), id="isort-cfg"),
    pytest.param({"setup.cfg": "[tool:isort]\nline_length = 100\n"},
                 ImportSorter("isort", "setup.cfg (`[tool:isort]`)"), id="isort-setup-cfg"),
    pytest.param({"setup.cfg": "[flake8]\nexclude = isort\n"}, None, id="word-only"),
    pytest.param({".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pycqa/isort"
                                             "\n    hooks:\n      - id: isort\n"},
                 ImportSorter("isort", ".pre-commit-config.yaml"), id="pre-commit-hook"),
    pytest.param({".pre-commit-config.yaml": "repos:\n  - hooks:\n      - id: black\n"},
                 None, id="pre-commit-without-isort"),
    pytest.param({"pyproject.toml": "[tool.ruff.lint\n"}, None, id="unreadable-toml"),
])
def test_the_settings_nearest_the_file_name_the_sorter(files: dict[str, str],
                                                       found: ImportSorter | None) -> None:
    assert import_sorter(files.get, "api/app/routers/auth.py") == found

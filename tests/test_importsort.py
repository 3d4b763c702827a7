"""sources/importsort.py: the tool that keeps a file's imports sorted, as its settings say."""

from __future__ import annotations

import ast

import pytest

from fixer.sources.importsort import import_sorter, ruff_keeps_order
from fixer.sources.linelimit import ToolSettings

RUFF = "ruff's I001"


@pytest.mark.parametrize(("files", "found"), [
    pytest.param({"pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'F', 'I']\n"},
                 (RUFF, "pyproject.toml (`[tool.ruff]`)"), id="ruff-selects-i"),
    pytest.param({"pyproject.toml": "[tool.ruff]\nextend-select = ['I001']\n"},
                 (RUFF, "pyproject.toml (`[tool.ruff]`)"), id="top-level-extend"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['ALL']\n"},
                 (RUFF, "ruff.toml"), id="all"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['ALL']\nignore = ['I']\n"},
                 None, id="all-but-i-ignored"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['I001']\nignore = ['I']\n"},
                 (RUFF, "ruff.toml"), id="the-more-specific-select-wins"),
    pytest.param({"pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'F', 'IMP']\n"},
                 None, id="another-rule-starting-with-i"),
    pytest.param({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, None,
                 id="ruff-defaults-sort-nothing"),
    pytest.param({"api/ruff.toml": "extend = '../ruff.toml'\nline-length = 100\n",
                  "ruff.toml": "[lint]\nextend-select = ['I']\n"},
                 (RUFF, "api/ruff.toml"), id="extended-settings"),
    pytest.param({"api/pyproject.toml": "[tool.ruff]\nextend = '../pyproject.toml'\n",
                  "pyproject.toml": "[tool.ruff.lint]\nselect = ['I']\n"},
                 (RUFF, "api/pyproject.toml (`[tool.ruff]`)"),
                 id="extended-pyproject"),
    pytest.param({"api/pyproject.toml": "[tool.ruff.lint]\nselect = ['E']\n",
                  "pyproject.toml": "[tool.ruff.lint]\nselect = ['I']\n"},
                 None, id="the-nearest-ruff-settings-decide"),
    pytest.param({"pyproject.toml": "[tool.isort]\nprofile = 'black'\n"},
                 ("isort", "pyproject.toml (`[tool.isort]`)"), id="isort-pyproject"),
    pytest.param({"api/.isort.cfg": "[settings]\nprofile=black\n"},
                 ("isort", "api/.isort.cfg"), id="isort-cfg"),
    pytest.param({"setup.cfg": "[tool:isort]\nline_length = 100\n"},
                 ("isort", "setup.cfg (`[tool:isort]`)"), id="isort-setup-cfg"),
    pytest.param({"setup.cfg": "[flake8]\nexclude = isort\n"}, None, id="word-only"),
    pytest.param({".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pycqa/isort"
                                             "\n    hooks:\n      - id: isort\n"},
                 ("isort", ".pre-commit-config.yaml"), id="pre-commit-hook"),
    pytest.param({".pre-commit-config.yaml": "repos:\n  - hooks:\n      - id: black\n"},
                 None, id="pre-commit-without-isort"),
    pytest.param({"pyproject.toml": "[tool.ruff.lint\n"}, None, id="unreadable-toml"),
])
def test_the_settings_nearest_the_file_name_the_sorter(files: dict[str, str],
                                                       found: tuple[str, str] | None) -> None:
    sorter = import_sorter(files.get, "api/app/routers/auth.py")
    assert (sorter.tool, sorter.source) == found if found else sorter is None


def _keeps(source: str, table: dict[str, object], modules: set[str]) -> bool:
    """Whether ruff keeps the module sorted once its top-level relative imports name
    `app.<module>` (settings in api/pyproject.toml; `modules`: what api/ holds)."""
    module = ast.parse(source)
    rewritten = [(node, "app" + ("." + node.module if node.module else ""))
                 for node in module.body if isinstance(node, ast.ImportFrom) and node.level]
    settings = ToolSettings(table, "api/pyproject.toml", "api/pyproject.toml")
    return ruff_keeps_order(settings, lambda path: path in modules, module, rewritten)


LOCAL = "import os\n\nfrom fastapi import FastAPI\n\nfrom .config import X\n" \
        "from .routers import r\n\napp = FastAPI()\n"
SORTED = {"lint": {"select": ["I"]}}


@pytest.mark.parametrize(("source", "table", "modules", "kept"), [
    pytest.param(LOCAL, SORTED, {"api/app"}, True, id="relative-group-becomes-first-party"),
    pytest.param(LOCAL, SORTED, set(), False, id="package-ruff-reads-as-third-party"),
    pytest.param(LOCAL, {"lint": {"isort": {"known-first-party": ["app"]}}}, set(), True,
                 id="known-first-party"),
    pytest.param(LOCAL, {"src": ["backend"]}, {"api/backend/app"}, True, id="src-setting"),
    pytest.param(LOCAL.replace("from fastapi import FastAPI\n",
                               "from fastapi import FastAPI\n\nfrom app.db import s\n"),
                 SORTED, {"api/app"}, False, id="beside-another-first-party-import"),
    pytest.param(LOCAL.replace("from .config", "from .zeta"), SORTED, {"api/app"}, False,
                 id="out-of-order-once-absolute"),
    pytest.param(LOCAL.replace("\napp = FastAPI()", "import sys\napp = FastAPI()"), SORTED,
                 {"api/app"}, False, id="an-import-after-the-group"),
    pytest.param(LOCAL, {"lint": {"isort": {"force-sort-within-sections": True}}},
                 {"api/app"}, False, id="a-setting-fixer-does-not-model"),
    pytest.param(LOCAL, {"lint": {"isort": {"section-order": [
        "future", "standard-library", "third-party", "first-party", "local-folder"]}}},
                 {"api/app"}, True, id="section-order-as-the-default"),
    pytest.param(LOCAL, {"lint": {"isort": {"section-order": [
        "future", "standard-library", "first-party", "third-party", "local-folder"]}}},
                 {"api/app"}, False, id="first-party-elsewhere-in-the-order"),
    pytest.param(LOCAL, {"lint": {"isort": {"sections": {"mine": ["app.routers"]}}}},
                 {"api/app"}, False, id="a-section-of-its-own"),
])
def test_ruff_keeps_the_order(source: str, table: dict[str, object], modules: set[str],
                              kept: bool) -> None:
    assert _keeps(source, table, modules) is kept

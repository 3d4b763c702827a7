"""sources/codestyle.py: what a repository's linters and formatters hold new code to."""

from __future__ import annotations

import pytest

from fixer.sources.codestyle import CodeStyle, code_style

PATH = "api/app/main.py"


@pytest.mark.parametrize(("files", "style"), [
    pytest.param({}, CodeStyle(), id="no-tooling"),
    pytest.param({"pyproject.toml": "[tool.black]\nline-length = 100\n"},
                 CodeStyle(quote='"', two_blank_lines=True), id="black"),
    pytest.param({"api/pyproject.toml": "[tool.blue]\n"},
                 CodeStyle(quote="'", two_blank_lines=True), id="blue-nearest"),
    pytest.param({"ruff.toml": "[format]\nquote-style = 'single'\n"},
                 CodeStyle(quote="'", two_blank_lines=True), id="ruff-format-single"),
    pytest.param({"ruff.toml": "[format]\nquote-style = 'preserve'\n"},
                 CodeStyle(two_blank_lines=True), id="ruff-format-preserve"),
    pytest.param({"ruff.toml": "line-length = 100\n"}, CodeStyle(), id="ruff-lint-defaults"),
    pytest.param({".pre-commit-config.yaml": "repos:\n  - hooks:\n      - id: ruff-format\n"},
                 CodeStyle(quote='"', two_blank_lines=True), id="ruff-format-hook"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['ALL']\nignore = ['D103']\n"},
                 CodeStyle(quote='"', annotations=True), id="all-but-d103"),
    pytest.param({"ruff.toml": "[lint]\nselect = ['D', 'ANN2']\n"},
                 CodeStyle(docstrings=True, annotations=True), id="docstrings-annotations"),
    pytest.param({"ruff.toml": "preview = true\n[lint]\nextend-select = ['E3']\n"},
                 CodeStyle(two_blank_lines=True), id="ruff-preview-e302"),
    pytest.param({"ruff.toml": "[lint]\nextend-select = ['E3']\n"}, CodeStyle(),
                 id="ruff-e302-needs-preview"),
    pytest.param({"setup.cfg": "[flake8]\nmax-line-length = 100\n"},
                 CodeStyle(two_blank_lines=True), id="flake8"),
    pytest.param({"setup.cfg": "[flake8]\nextend-ignore = E203, E302\n"}, CodeStyle(),
                 id="flake8-e302-ignored"),
    pytest.param({".pre-commit-config.yaml": "repos:\n  - hooks:\n      - id: flake8\n"},
                 CodeStyle(two_blank_lines=True), id="flake8-hook"),
    # black with string normalization off leaves the file's quotes as they are
    pytest.param({"pyproject.toml": "[tool.black]\nskip-string-normalization = true\n"},
                 CodeStyle(two_blank_lines=True), id="black-skipping-strings"),
    pytest.param({".pre-commit-config.yaml": "repos:\n-   repo: https://github.com/psf/black\n"
                                             "    hooks:\n    -   id: black\n"
                                             "        args: ['-S']\n-   repo: x\n"
                                             "    hooks:\n    -   id: flake8\n"},
                 CodeStyle(two_blank_lines=True), id="black-hook-with-S"),
    pytest.param({".pre-commit-config.yaml": "repos:\n-   repo: https://github.com/psf/black\n"
                                             "    hooks:\n    -   id: black\n-   repo: x\n"
                                             "    hooks:\n    -   id: isort\n"
                                             "        args: ['-S']\n"},
                 CodeStyle(quote='"', two_blank_lines=True), id="another-hooks-args"),
])
def test_the_tooling_nearest_the_file_sets_the_style(files: dict[str, str],
                                                     style: CodeStyle) -> None:
    assert code_style(files.get, PATH) == style


@pytest.mark.parametrize(("select", "annotations"), [
    pytest.param(["A", "E", "F"], False, id="flake8-builtins-is-no-prefix-of-ann"),
    pytest.param(["ANN"], True, id="the-linter"),
    pytest.param(["ANN2"], True, id="a-prefix-of-its-number"),
    pytest.param(["ANN0"], False, id="another-number"),
])
def test_a_selector_names_a_linter_then_a_prefix_of_its_number(select: list[str],
                                                               annotations: bool) -> None:
    files = {"ruff.toml": f"[lint]\nselect = {select!r}\n"}
    assert code_style(files.get, PATH).annotations is annotations


def test_ruffs_quote_rule_wins_over_a_formatter() -> None:
    """flake8-quotes (Q000) fails the check; black configured beside it is not run as
    strictly (the file already follows the rule's quote)."""
    files = {"pyproject.toml": "[tool.black]\n[tool.ruff]\nselect = ['Q']\n"
                               "[tool.ruff.flake8-quotes]\ninline-quotes = 'single'\n"}
    assert code_style(files.get, PATH).quote == "'"

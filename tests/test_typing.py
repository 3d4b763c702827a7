"""The code base type-checks under mypy --strict (the style the project holds to)."""

from __future__ import annotations

import pytest

from pathlib import Path

from mypy import api

from support import REPO


@pytest.mark.slow  # mypy over the whole code base
def test_mypy_strict_passes() -> None:
    stdout, stderr, status = api.run(["--config-file", str(REPO / "pyproject.toml"),
                                      str(REPO / "fixer"), str(REPO / "rules")])
    assert status == 0, stdout + stderr


@pytest.mark.slow  # mypy
def test_mypy_catches_a_misspelled_finding_field(tmp_path: Path) -> None:
    """The rule protocol is typed end to end: no `__getattr__`, no `dict[str, Any]` payload."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from fixer.model.rule import Finding\n\n\n"
        "def title(finding: Finding) -> str:\n"
        "    return finding.messgae + str(finding.violation.fix_tilte)\n")
    stdout, _, status = api.run(["--config-file", str(REPO / "pyproject.toml"), str(probe)])
    assert status == 1
    assert '"Finding" has no attribute "messgae"' in stdout
    assert '"Violation" has no attribute "fix_tilte"' in stdout

"""The golden-case scaffold writes a healthy starting tree and refuses what it cannot name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import new_case
from support import REPO, assert_compose_accepts, run_cli


def scaffold(root: Path, *argv: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the scaffold run as the documented script path."""
    result = subprocess.run([sys.executable, str(REPO / "tests" / "new_case.py"), *argv,
                             "--root", str(root)], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.slow  # a fresh interpreter
def test_script_creates_the_case_tree(tmp_path: Path) -> None:
    code, out, err = scaffold(tmp_path, "P001", "published-port-moves")
    assert code == 0, err
    case = tmp_path / "P001-port-mismatch" / "published-port-moves"
    files = sorted(p.relative_to(case).as_posix() for p in case.rglob("*") if p.is_file())
    assert files == ["before/docker-compose.yml", "before/orders/Dockerfile",
                     "before/orders/app/__init__.py", "before/orders/app/main.py",
                     "before/orders/requirements.txt", "expected.diff", "expected.findings"]
    assert (case / "expected.diff").read_bytes() == b""
    assert (case / "expected.findings").read_bytes() == b""
    assert "from fastapi import FastAPI" in (case / "before/orders/app/main.py").read_text()
    assert ("FIXER_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py "
            "-k published-port-moves") in out


def test_starting_tree_has_no_finding_and_compose_accepts_it(tmp_path: Path) -> None:
    # A clean start means every finding of a new case comes from the edit its author makes.
    assert new_case.main(["D002", "shell-form", "--root", str(tmp_path)]) == 0
    before = tmp_path / "D002-shell-form-cmd" / "shell-form" / "before"
    code, out, err = run_cli("check", before, "--select", "ALL")
    assert code == 0, out + err
    assert_compose_accepts(before)


def test_unknown_code_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_case.main(["X999", "anything", "--root", str(tmp_path)]) == 2
    assert "unknown rule code 'X999'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_badly_named_case_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_case.main(["P001", "Port Moves", "--root", str(tmp_path)]) == 2
    assert "lower-case words" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_existing_case_is_refused_and_left_alone(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "H001-missing-health-endpoint" / "factory"
    (case / "before").mkdir(parents=True)
    (case / "expected.diff").write_text("kept\n", encoding="utf-8")
    assert new_case.main(["H001", "factory", "--root", str(tmp_path)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert (case / "expected.diff").read_text(encoding="utf-8") == "kept\n"
    assert list((case / "before").iterdir()) == []

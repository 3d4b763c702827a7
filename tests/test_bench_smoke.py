"""bench/run.py runs end to end on small trees: a figure line for every measurement, and a
run past its timeout is killed and said. The timing targets themselves live in bench/ only."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"
FIGURE = r"\d+\.\d\d s \(cpu \d+\.\d\d s\), peak \d+ MB"


def bench(*args: str) -> str:
    result = subprocess.run([sys.executable, str(RUN), *args], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def lines(pattern: str, output: str) -> list[str]:
    return re.findall(rf"^  {pattern}.*$", output, re.MULTILINE)


@pytest.mark.slow  # generates two trees and runs fixer, hadolint and dclint on each
def test_every_measurement_prints_a_figure_for_every_tree() -> None:
    output = bench("--sizes", "20", "--timeout", "120")
    assert "== examples/seed-fleet" in output
    assert "== bench/generate.py, 20 services" in output
    assert "== bench/gen_shared.py, 20 services" in output
    assert "== bench/gen_stacks.py, 2 services" in output
    assert "== gen_monorepo.py --seed-defects, 20 services" in output
    for label, count in ((r"fixer check", 5), (r"fixer fix \(dry run\)", 5),
                         (r"fixer fix --apply", 4)):
        assert len(lines(rf"{label} +{FIGURE}", output)) == count, output
    assert len(lines(rf"fixer fix --branch +{FIGURE}, [1-9][\d,]* commits?, [\d.]+ ms/commit",
                     output)) == 4, output
    assert len(lines(r"peak RSS +\d+ MB", output)) == 4, output
    linted = r"\d+\.\d\d s \(cpu \d+\.\d\d s\) on"
    assert len(lines(rf"hadolint +{linted} [1-9]\d* Dockerfiles?", output)) == 4, output
    dclint = rf"dclint +({linted} [12] compose files?|skipped: not installed)"
    assert len(lines(dclint, output)) == 4, output
    assert len(lines(r"check speed-up +\d+\.\dx \(hadolint", output)) == 4, output
    assert "(killed)" not in output and "exit 2" not in output


@pytest.mark.slow  # real processes killed at their limit
def test_a_run_past_the_timeout_is_killed_and_larger_trees_skip_it() -> None:
    output = bench("--sizes", "3,6", "--skip-branch", "--timeout", "0.05")
    assert len(lines(r"fixer check +> 0\.05 s \(killed\)", output)) == 5, output
    assert lines(r"fixer check +not run: check at 3 services exceeded 0\.05 s", output), output
    assert lines(r"fixer check +not measured at both sizes", output), output
    assert "speed-up" not in output


@pytest.mark.slow  # a real process killed at its limit
def test_a_run_past_the_memory_ceiling_is_killed() -> None:
    output = bench("--sizes", "3", "--skip-branch", "--memory-limit", "5")
    assert len(lines(r"fixer fix --apply +> 5 MB \(killed\)", output)) == 4, output
    assert len(lines(r"peak RSS +> 5 MB: a run was killed", output)) == 4, output

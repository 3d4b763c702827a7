"""A `fix --apply` killed between two renames (SIGKILL, a power cut) leaves a journal; the next
run completes the renames or rolls them back, so that every tree is wholly old or wholly new.

The kills are real: a fixer process of its own, paused between renames by its test-only
hook (FIXER_TEST_PAUSE_BETWEEN_RENAMES) so that a kill lands in the swap, then SIGKILL."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixer.app import apply
from fixer.app.apply import JOURNAL, ApplyError
from support import REPO, run_cli
from test_hardening import many_services, snapshot, temp_files

SERVICES = 8
PAUSE = 0.02   # seconds between two renames in the killed runs


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes | str]]:
    """A tree with one fix per service, and what a whole `fix --apply` makes of it."""
    base = many_services(tmp_path_factory.mktemp("base") / "repo", SERVICES)
    fixed = shutil.copytree(base, tmp_path_factory.mktemp("fixed") / "repo")
    code, _out, err = run_cli("fix", "--apply", fixed)
    assert code == 1, err
    return base, snapshot(fixed)


def killed_in_the_swap(root: Path, delay: float, pause: float = PAUSE) -> None:
    """Run `fix --apply` and SIGKILL it `delay` seconds after its journal appeared."""
    environment = {**os.environ, "FIXER_TEST_PAUSE_BETWEEN_RENAMES": str(pause)}
    process = subprocess.Popen([sys.executable, "-m", "fixer.cli", "fix", "--apply", str(root)],
                               cwd=REPO, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    while process.poll() is None and not (root / JOURNAL).exists():
        time.sleep(0.001)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def interrupted_copy(base: Path, tmp_path: Path) -> Path:
    """A copy of `base` whose `fix --apply` was killed after its first rename, during the
    pause before the next."""
    root = Path(shutil.copytree(base, tmp_path / "repo"))
    killed_in_the_swap(root, 0.1, pause=0.3)
    return root


def changed_files(root: Path, before: dict[str, bytes | str]) -> int:
    now = snapshot(root)
    return sum(now.get(path) != content for path, content in before.items())


@pytest.mark.slow   # thirty fixer processes, killed
def test_a_run_killed_at_random_points_of_the_swap_is_completed_by_the_next(
        tmp_path: Path, trees: tuple[Path, dict[str, bytes | str]]) -> None:
    base, fixed = trees
    old = snapshot(base)
    rng = random.Random(14)
    outcomes = set()
    for attempt in range(30):
        root = shutil.copytree(base, tmp_path / f"run{attempt}")
        killed_in_the_swap(root, rng.uniform(0, PAUSE * (SERVICES + 1)))
        message = apply.recover(root)
        outcomes.add(message.split(" was ")[1].split(" ")[0] if message else None)
        assert snapshot(root) in (old, fixed) and not temp_files(root), message
        code, _out, err = run_cli("fix", "--apply", root)
        assert code in (0, 1), err
        assert snapshot(root) == fixed and not temp_files(root)
    assert "completed" in outcomes, "some kill landed between two renames"


@pytest.mark.slow   # a fixer process, killed
def test_the_next_apply_completes_an_interrupted_one_before_its_own_run(
        tmp_path: Path, trees: tuple[Path, dict[str, bytes | str]]) -> None:
    base, fixed = trees
    root = interrupted_copy(base, tmp_path)
    assert (root / JOURNAL).exists() and 0 < changed_files(root, snapshot(base)) < SERVICES
    code, _out, err = run_cli("fix", "--apply", root)
    assert code in (0, 1), err
    assert re.search(rf"An interrupted fixer fix --apply was completed \(\d+ files, "
                     rf"{re.escape(JOURNAL)}\)\.", err), "the run says what it finished"
    assert snapshot(root) == fixed and not temp_files(root)


@pytest.mark.slow   # a fixer process, killed
def test_a_missing_temp_file_rolls_the_renames_back(
        tmp_path: Path, trees: tuple[Path, dict[str, bytes | str]]) -> None:
    base, _fixed = trees
    root = interrupted_copy(base, tmp_path)
    staged = [p for p in temp_files(root) if p.name.endswith(apply.TEMP_SUFFIX)]
    staged[0].unlink()   # one file not yet replaced can no longer be: undo the others
    message = apply.recover(root)
    assert message is not None
    assert re.fullmatch(rf"An interrupted fixer fix --apply was rolled back \(\d+ files, "
                        rf"{re.escape(JOURNAL)}\)\.", message)
    assert snapshot(root) == snapshot(base) and not temp_files(root)


@pytest.mark.slow   # a fixer process, killed
def test_a_file_changed_after_the_kill_keeps_the_journal_and_blocks_apply(
        tmp_path: Path, trees: tuple[Path, dict[str, bytes | str]]) -> None:
    base, _fixed = trees
    root = interrupted_copy(base, tmp_path)
    (root / "s007/Dockerfile").write_text("FROM scratch\n")   # an editor, after the kill
    with pytest.raises(ApplyError, match="s007/Dockerfile:1: changed since an interrupted"):
        apply.recover(root)
    kept = snapshot(root)
    code, _out, err = run_cli("fix", "--apply", root)
    assert code == 2
    assert (f"{root}/{JOURNAL}:1: an interrupted --apply could be neither completed nor "
            "rolled back") in err
    assert snapshot(root) == kept, "nothing it names is touched, nothing else is written"


def test_no_journal_is_nothing_to_recover(tmp_path: Path) -> None:
    assert apply.recover(tmp_path) is None
    (tmp_path / JOURNAL).write_text("{not json")
    with pytest.raises(ApplyError, match="unreadable journal"):
        apply.recover(tmp_path)

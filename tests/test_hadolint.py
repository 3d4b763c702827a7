"""The real hadolint finds nothing in a fixed Dockerfile that it did not find in the original:
every D002 and D003 golden fix case, before and after `fixer fix --apply`. Where the
repository does not run hadolint, fixer writes no pragma, so hadolint may then report the
pin rules on the layer fixer adds, and only them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import GOLDEN, copy_tree, run_cli
from test_golden import case_args, snapshot

HADOLINT = Path(sys.executable).parent / "hadolint"
CASES = sorted(p.parent for rule in ("D002-shell-form-cmd", "D003-healthcheck-tool-missing")
               for p in (GOLDEN / rule).glob("*/before")
               if (p.parent / "expected.diff").read_bytes())


def hadolint_codes(path: Path) -> set[str]:
    result = subprocess.run([str(HADOLINT), "--no-fail", "-f", "json", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return {finding["code"] for finding in json.loads(result.stdout)}


def test_every_rule_has_fix_cases_here() -> None:
    rules = {case.parent.name for case in CASES}
    assert rules == {"D002-shell-form-cmd", "D003-healthcheck-tool-missing"}


def test_hadolint_sees_what_it_should() -> None:
    """The comparison means something: hadolint does report shell-form CMDs and unpinned
    installs (DL3025, DL3008) on these files."""
    before = GOLDEN / "D002-shell-form-cmd" / "plain-words" / "before" / "api" / "Dockerfile"
    assert "DL3025" in hadolint_codes(before)


def test_the_pragma_is_what_keeps_an_unpinned_install_quiet(tmp_path: Path) -> None:
    case = GOLDEN / "D003-healthcheck-tool-missing" / "slim-layer-after-setup-before-copy"
    repo = copy_tree(case / "before", tmp_path / "repo")
    assert run_cli("fix", "--apply", repo, *case_args(case))[0] == 1
    fixed = repo / "api" / "Dockerfile"
    assert "DL3008" not in hadolint_codes(fixed)
    text = fixed.read_text()
    assert "# hadolint ignore=DL3008\n" in text
    fixed.write_text(text.replace("# hadolint ignore=DL3008\n", ""))
    assert "DL3008" in hadolint_codes(fixed)


@pytest.mark.slow  # the hadolint binary, once per golden Dockerfile case
@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_fixed_dockerfiles_gain_no_hadolint_finding(case: Path, tmp_path: Path) -> None:
    original = case / "before"
    repo = copy_tree(original, tmp_path / "repo")
    before = snapshot(repo)
    code, _, err = run_cli("fix", "--apply", repo, *case_args(case))
    assert code == 1, err
    after = snapshot(repo)
    changed = [p for p in after if before.get(p) != after[p] and "Dockerfile" in p]
    for path in changed:
        new = hadolint_codes(repo / path) - hadolint_codes(original / path)
        assert not new, f"{path}: hadolint now reports {sorted(new)}"

"""Golden trees: golden/<CODE>-<name>/<case>/before/ plus expected.diff.

Each case runs `fixer fix` on a copy of before/ (with --select CODE, or the
arguments in the case's `args` file) and checks:
- the dry-run diff is exactly expected.diff (empty for a no-op case);
- `git apply --check` accepts the diff and unidiff parses it;
- `--apply` writes exactly what the diff shows: every line outside the hunks is
  byte-identical (line endings, BOM and encoding included), and after/ matches
  when the case has one;
- a second run changes nothing (convergence);
- Compose accepts every compose file of the result;
- `fixer check` on before/ reports exactly expected.findings: one line per finding,
  `path:line: CODE safety message`, where each expected line may stop early (a prefix of
  the message). A no-op case of a display-only rule thus tells "reported, with no fix"
  from "reported nothing".

`FIXER_UPDATE_GOLDEN=1 make test` (or pytest -k) rewrites expected.diff and
expected.findings of the cases it runs, for review with `git diff golden/`.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest
import unidiff

from support import GOLDEN, assert_compose_accepts, copy_tree, git, init_repo, run_cli

CASES = sorted(p.parent for p in GOLDEN.glob("*/*/before"))
UPDATE = os.environ.get("FIXER_UPDATE_GOLDEN") == "1"
# `fix` options that `check` does not take, with the number of values each has
_FIX_ONLY = {"--unsafe-fixes": 0, "--postgres-image": 1}


def case_args(case: Path) -> list[str]:
    args_file = case / "args"
    if args_file.exists():
        return shlex.split(args_file.read_text())
    return ["--select", case.parent.name.split("-")[0]]


def check_args(args: list[str]) -> list[str]:
    """The case's `fix` arguments that `check` understands."""
    kept: list[str] = []
    skip = 0
    for arg in args:
        if skip:
            skip -= 1
        elif arg.split("=", 1)[0] in _FIX_ONLY:
            skip = 0 if "=" in arg else _FIX_ONLY[arg.split("=", 1)[0]]
        else:
            kept.append(arg)
    return kept


def finding_lines(repo: Path, args: list[str]) -> list[str]:
    code, out, err = run_cli("check", repo, "--format", "json", *check_args(args))
    assert code in (0, 1), err
    findings = json.loads(out)["findings"]
    # a fix run, a baseline and a branch tell findings apart by it: two alike were one
    fingerprints = [f["fingerprint"] for f in findings]
    assert len(set(fingerprints)) == len(fingerprints), f"findings share a fingerprint: {out}"
    return [f"{f['path']}:{f['line']}: {f['code']} "
            f"{f['fix']['safety'] if f['fix'] else 'display-only'} {f['message']}"
            for f in findings]


def _check_findings(case: Path, repo: Path, args: list[str]) -> None:
    actual = finding_lines(repo, args)
    expected_file = case / "expected.findings"
    if UPDATE:
        expected_file.write_text("".join(line + "\n" for line in actual), encoding="utf-8")
    assert expected_file.exists(), f"{case}: no expected.findings (FIXER_UPDATE_GOLDEN=1 writes it)"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert len(actual) == len(expected) and all(
        a.startswith(e) for a, e in zip(actual, expected)), \
        "findings differ:\n" + "\n".join(actual) + "\nexpected:\n" + "\n".join(expected)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.mark.slow  # git apply and the Compose binary per fix case; run one rule with -k CODE
@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_golden(case: Path, tmp_path: Path) -> None:
    repo = copy_tree(case / "before", tmp_path / "repo")
    before = snapshot(repo)
    args = case_args(case)
    _check_findings(case, repo, args)
    code, diff, err = run_cli("fix", repo, *args)
    if UPDATE:
        (case / "expected.diff").write_bytes(diff.encode("utf-8"))
    expected = (case / "expected.diff").read_bytes().decode("utf-8")
    assert diff == expected, err
    assert code == (1 if expected else 0), err
    assert snapshot(repo) == before, "a dry run wrote to the tree"
    if not expected:
        return
    _check_patch(repo, diff)
    code, _, err = run_cli("fix", "--apply", repo, *args)
    assert code == 1, err
    after = snapshot(repo)
    _check_bytes_outside_hunks(before, after, diff)
    if (case / "after").is_dir():
        assert after == snapshot(case / "after")
    code, second, err = run_cli("fix", repo, *args)
    assert (code, second) == (0, ""), f"second run not empty:\n{second}{err}"
    assert_compose_accepts(repo)


def _check_patch(repo: Path, diff: str) -> None:
    patch = unidiff.PatchSet(diff)
    assert len(patch) == diff.count("\ndiff --git ") + (1 if diff.startswith("diff --git ") else 0)
    init_repo(repo)
    (repo / ".git" / "fixer.diff").write_bytes(diff.encode("utf-8"))
    git(repo, "apply", "--check", ".git/fixer.diff")


def _check_bytes_outside_hunks(before: dict[str, bytes], after: dict[str, bytes],
                               diff: str) -> None:
    """Original lines minus removed ones == new lines minus added ones, byte for byte."""
    for patched in unidiff.PatchSet(diff):
        path = patched.path
        if patched.is_removed_file:
            assert path not in after
            continue
        if patched.is_added_file:
            assert path in after and path not in before
            continue
        old = before[path].splitlines(keepends=True)
        new = after[path].splitlines(keepends=True)
        removed = {line.source_line_no for hunk in patched for line in hunk if line.is_removed}
        added = {line.target_line_no for hunk in patched for line in hunk if line.is_added}
        kept_old = [line for no, line in enumerate(old, 1) if no not in removed]
        kept_new = [line for no, line in enumerate(new, 1) if no not in added]
        assert kept_old == kept_new, f"{path}: bytes changed outside the diff's hunks"

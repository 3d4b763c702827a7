"""End to end on generated fleets (tests/fleet_repos.py: small repositories drawn from the
patterns of REAL-WORLD.md). On each, fixer must not crash or call valid input bad; its fixes
must all apply and converge, leave no safe fix behind, keep each file's line endings and BOM
and Python files compiling; the dry-run diff, applied by git, must give the tree --apply
wrote; and the real Compose binary must accept the result.

Hunt for bugs with more examples and a random seed: FIXER_FLEET_EXAMPLES=1000 pytest ...
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fleet_repos import Fleet, fleets
from support import assert_compose_accepts, run_cli, write_tree

pytestmark = pytest.mark.slow  # hypothesis: dozens of generated fleets, each fixed and checked

HUNT = os.environ.get("FIXER_FLEET_EXAMPLES")


def check_json(root: Path, options: list[str]) -> dict[str, list[dict[str, object]]]:
    check_options = [o for o in options if o != "--unsafe-fixes"]
    code, out, err = run_cli("check", root, "--format", "json", *check_options)
    assert code in (0, 1), err
    document: dict[str, list[dict[str, object]]] = json.loads(out)
    return document


def fix_left_behind(finding: dict[str, object], options: list[str]) -> bool:
    fix = finding["fix"]
    if not isinstance(fix, dict):
        return False  # display-only
    return fix["safety"] == "safe" or "--unsafe-fixes" in options


def text_of(data: bytes) -> tuple[str, str]:
    """(BOM kind, text) of a file the generator writes: UTF-8, UTF-8 with BOM or UTF-16LE."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if data.startswith(bom):
            return encoding, data[len(bom):].decode(encoding)
    return "", data.decode("utf-8")


def assert_byte_style_kept(root: Path, files: dict[str, bytes]) -> None:
    for relative, before in files.items():
        path = root / relative
        if not path.exists() or path.read_bytes() == before:
            continue
        (bom_before, old), (bom_after, new) = text_of(before), text_of(path.read_bytes())
        assert bom_after == bom_before, f"{relative}: BOM/encoding changed"
        if "\r\n" in old:
            assert "\n" not in new.replace("\r\n", ""), f"{relative}: bare LF after fix"
        else:
            assert "\r" not in new, f"{relative}: CRLF in an LF file after fix"


@settings(max_examples=int(HUNT or 60), deadline=None, derandomize=HUNT is None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fleets())
def test_fix_is_total_convergent_and_keeps_bytes(fleet: Fleet) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_tree(root, fleet.files)
        assert_compose_accepts(root)  # the generator's contract, not fixer's
        assert check_json(root, fleet.options)["errors"] == []
        _, diff, _ = run_cli("fix", root, *fleet.options)

        code, _, err = run_cli("fix", root, "--apply", *fleet.options)
        assert code in (0, 1), err
        assert "fix failed" not in err and "did not converge" not in err, err

        code, out, err = run_cli("fix", root, *fleet.options)
        assert (code, out) == (0, ""), f"a second run still changes files:\n{out}{err}"

        left = [f for f in check_json(root, fleet.options)["findings"]
                if fix_left_behind(f, fleet.options)]
        assert left == [], left
        assert_byte_style_kept(root, fleet.files)
        assert_python_compiles(root)
        assert_diff_is_what_was_written(root, fleet.files, diff)
        assert_compose_accepts(root)


def assert_python_compiles(root: Path) -> None:
    for path in root.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")


def assert_diff_is_what_was_written(root: Path, files: dict[str, bytes], diff: str) -> None:
    """`git apply` of the dry run's diff on the original tree gives the tree --apply wrote."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        write_tree(copy, files)
        (copy / "fixer.diff").write_bytes(diff.encode("utf-8"))
        result = subprocess.run(["git", "apply", "--allow-empty", "--whitespace=nowarn",
                                 "fixer.diff"], cwd=copy, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stderr
        (copy / "fixer.diff").unlink()
        assert snapshot(copy) == snapshot(root)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file()}

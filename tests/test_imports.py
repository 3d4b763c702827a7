"""`fixer check` stays cheap: it never imports libcst (0.36 s) or gitpython.

Only a fresh interpreter shows what a command imports: one subprocess runs every variant in
turn (modules stay imported, so a variant that imported one would show it from then on) and
then imports libcst itself, to prove that the probe sees an import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support import SEED_FLEET

pytestmark = pytest.mark.slow  # a fresh interpreter checks the seed fleet three times

VARIANTS = {"default": [], "all-rules": ["--select", "ALL"], "json": ["--format", "json"]}
PROBE = """
import contextlib, io, json, sys

def heavy():
    return sorted(m for m in sys.modules if m.split(".")[0] in ("libcst", "git"))

from fixer.cli import main
for args in json.loads(sys.argv[2]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["check", sys.argv[1], *args])
    print(json.dumps([code, heavy()]))
import libcst
print(json.dumps([None, heavy()]))
"""


@pytest.fixture(scope="module")
def probed() -> list[tuple[int | None, list[str]]]:
    """(exit code, heavy modules imported so far) after each variant, then after the probe's
    own `import libcst`."""
    result = subprocess.run([sys.executable, "-c", PROBE, str(SEED_FLEET),
                             json.dumps(list(VARIANTS.values()))],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [tuple(json.loads(line)) for line in result.stdout.splitlines()]  # type: ignore[misc]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_check_imports_neither_libcst_nor_gitpython(
        probed: list[tuple[int | None, list[str]]], variant: str) -> None:
    code, heavy = probed[list(VARIANTS).index(variant)]
    assert code == 1, "check found nothing on the seed fleet: the probe proves nothing"
    assert heavy == [], f"fixer check imported {heavy}"


def test_the_probe_sees_imports(probed: list[tuple[int | None, list[str]]]) -> None:
    """The same probe does report a heavy module when one is imported."""
    assert "libcst" in probed[-1][1]

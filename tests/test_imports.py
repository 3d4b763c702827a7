"""`fixer check` stays cheap: it never imports libcst (0.36 s) or gitpython."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support import SEED_FLEET

PROBE = """
import contextlib, io, sys
from fixer.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(["check", sys.argv[1], *sys.argv[2:]])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("libcst", "git"))
print(code)
print(",".join(heavy))
"""


@pytest.mark.parametrize("args", [(), ("--select", "ALL"), ("--format", "json")],
                         ids=["default", "all-rules", "json"])
def test_check_imports_neither_libcst_nor_gitpython(args: tuple[str, ...]) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, str(SEED_FLEET), *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    code, heavy = result.stdout.split("\n")[:2]
    assert code == "1", "check found nothing on the seed fleet: the probe proves nothing"
    assert heavy == "", f"fixer check imported {heavy}"


def test_the_probe_sees_imports() -> None:
    """The same probe does report a heavy module when one is imported."""
    probe = "import libcst\n" + PROBE
    result = subprocess.run([sys.executable, "-c", probe, str(SEED_FLEET)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "libcst" in result.stdout

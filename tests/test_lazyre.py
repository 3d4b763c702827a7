"""Patterns compiled on first use (fixer/core/lazyre.py): each of fixer's compiles, a stand-in
answers as the compiled pattern does, and importing fixer compiles none of them."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from types import ModuleType

import fixer
import fixer_rules
from fixer.core.lazyre import _Lazy, lazy_compile


def every_module() -> list[ModuleType]:
    found = []
    for package in (fixer, fixer_rules):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith(".__main__"):   # runs the command line
                found.append(importlib.import_module(info.name))
    return found


def failing_patterns(module: ModuleType) -> list[str]:
    """The lazy patterns of a module whose compiling fails, each with the error: a pattern no
    longer fails at import."""
    failed = []
    for name, value in vars(module).items():
        if isinstance(value, _Lazy):
            try:
                value.compiled()
            except re.error as exc:
                failed.append(f"{module.__name__}.{name}: {exc}")
    return failed


def test_every_pattern_of_fixer_compiles() -> None:
    modules = every_module()
    assert len(modules) > 150
    assert [problem for module in modules for problem in failing_patterns(module)] == []
    assert failing_patterns(ModuleType("probe")) == []
    broken = ModuleType("broken")
    broken.PATTERN = lazy_compile("(unclosed")   # type: ignore[attr-defined]
    assert failing_patterns(broken) == ["broken.PATTERN: missing ), unterminated subpattern "
                                        "at position 0"]


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    lazy = lazy_compile(r"(?P<key>\w+)=(\d+)", re.I)
    plain = re.compile(r"(?P<key>\w+)=(\d+)", re.I)
    text = "a=1, B=22 c=x"
    assert [m.groups() for m in lazy.finditer(text)] == [m.groups() for m in plain.finditer(text)]
    assert lazy.sub(r"\2", text) == plain.sub(r"\2", text)
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == \
        (plain.pattern, plain.flags, plain.groups, plain.groupindex)
    match = lazy.fullmatch("x=9")
    assert match is not None and match.group("key") == "x"
    assert lazy.search is lazy.search   # from the first use on, the compiled pattern's own


def test_importing_fixer_compiles_no_pattern_of_its_own() -> None:
    # what start-up pays: a run compiles only the patterns its files call for
    probe = ("import fixer.cli.entry, fixer.cli.check\n"
             "from fixer.cli.shared import catalogue\n"
             "from fixer.core.lazyre import _Lazy\n"
             "import gc\n"
             "catalogue()\n"
             "lazy = [o for o in gc.get_objects() if isinstance(o, _Lazy)]\n"
             "print(len(lazy), sum('_compiled' in o.__dict__ for o in lazy))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.split()
    assert int(out[0]) > 200 and int(out[1]) <= 10, out

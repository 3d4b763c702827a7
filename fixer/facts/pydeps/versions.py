"""Whether every release a requirement admits lies in a range of releases.

Read from PEP 440 specifiers (requirements files, PEP 621 dependencies, a lock file's pin
as `==VERSION`) and from Poetry constraints, turned into PEP 440 first. Only plain
releases (`0.111.0`, `0.111.*`) are read: a clause fixer does not read (a pre-release, an
epoch, `||`) is left out, which only widens what the requirement may install, so a
question "certainly within?" gets no for it, never a wrong yes.
"""

from __future__ import annotations

import re

from fixer.core.lazyre import lazy_compile

Release = tuple[int, ...]

_CLAUSE = lazy_compile(r"^(===|==|~=|!=|<=|>=|<|>)v?(\d+(?:\.\d+)*)(\.\*)?$")
_PLAIN = lazy_compile(r"^v?(\d+(?:\.\d+)*)$")


def within(specifier: str, first: Release, end: Release) -> bool:
    """Whether every release `specifier` admits is at least `first` and below `end`: one
    clause must bound it from below, one from above (pip installs what all of them admit)."""
    floor = ceiling = False
    for clause in specifier.replace(" ", "").split(","):
        bounds = _bounds(clause)
        if bounds is None:
            continue
        lowest, highest, closed = bounds
        floor = floor or (lowest is not None and _key(lowest) >= _key(first))
        ceiling = ceiling or (highest is not None and (
            _key(highest) < _key(end) if closed else _key(highest) <= _key(end)))
    return floor and ceiling


def unbounded_above(specifier: str) -> bool:
    """Whether no clause of the specifier bounds the releases it admits from above: pip
    then installs the newest release published (`>=0.0.3`, or no specifier at all)."""
    for clause in specifier.replace(" ", "").split(","):
        bounds = _bounds(clause)
        if bounds is None:
            if clause:   # a clause fixer does not read may bound it
                return False
            continue
        if bounds[1] is not None:
            return False
    return True


def _bounds(clause: str) -> tuple[Release | None, Release | None, bool] | None:
    """(no admitted release is below it, every admitted release is below it (or equal to
    it when the bound is closed), closed) for one clause; None for one that bounds nothing
    fixer reads."""
    match = _CLAUSE.match(clause)
    if match is None:
        return None
    operator, release, wildcard = match[1], _release(match[2]), match[3]
    if operator in ("==", "===") and wildcard:   # ==0.111.*
        return release, _bump(release, len(release) - 1), False
    if wildcard or operator == "!=":
        return None
    if operator in ("==", "==="):
        return release, release, True
    if operator == "~=":                          # ~=0.111.0: >=0.111.0, ==0.111.*
        return (release, _bump(release, len(release) - 2), False) if len(release) > 1 else None
    if operator in (">=", ">"):
        return release, None, False
    return None, release, operator == "<="


def poetry_specifier(constraint: str) -> str:
    """A Poetry constraint as a PEP 440 specifier: `^0.111.0` is `>=0.111.0,<0.112`, `~1.2`
    is `>=1.2,<1.3`, a bare `0.111.0` is `==0.111.0`; `*` and an either-or (`||`) are ""."""
    if "|" in constraint:
        return ""
    clauses: list[str] = []
    for part in constraint.replace(" ", "").split(","):
        plain = _PLAIN.match(part.lstrip("^~")) if not part.startswith("~=") else None
        if part.startswith("^") and plain:
            release = _release(plain[1])
            at = next((i for i, n in enumerate(release) if n), len(release) - 1)
            clauses += [f">={plain[1]}", f"<{_shown(_bump(release, at))}"]
        elif part.startswith("~") and plain:
            release = _release(plain[1])
            clauses += [f">={plain[1]}", f"<{_shown(_bump(release, min(1, len(release) - 1)))}"]
        elif _PLAIN.match(part) or re.match(r"^\d+(?:\.\d+)*\.\*$", part):
            clauses.append(f"=={part}")
        elif _CLAUSE.match(part):
            clauses.append(part)
    return ",".join(clauses)


def _release(text: str) -> Release:
    return tuple(int(n) for n in text.split("."))


def _bump(release: Release, at: int) -> Release:
    """The first release past every one that shares `release[:at + 1]`: 0.111 at 1 -> 0.112."""
    return release[:at] + (release[at] + 1,)


def _key(release: Release) -> Release:
    """PEP 440 compares releases padded with zeros: 0.111 and 0.111.0 are one release."""
    end = len(release)
    while end > 1 and release[end - 1] == 0:
        end -= 1
    return release[:end]


def _shown(release: Release) -> str:
    return ".".join(str(n) for n in release)

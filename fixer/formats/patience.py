"""A line diff that stays fast on large files: patience diff over lines unique to both
sides, with difflib only for the small gaps between those anchors.

difflib alone is quadratic on files whose lines repeat (a compose file with a thousand
`interval: 30s` lines took minutes); fixes change a few lines between many unique ones
(`build: ./svc12`), so anchors leave only tiny gaps.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from typing import Literal

Tag = Literal["replace", "delete", "insert", "equal"]
Opcode = tuple[Tag, int, int, int, int]


class PatienceMatcher(difflib.SequenceMatcher):  # type: ignore[type-arg]
    """A SequenceMatcher whose opcodes come from patience diff; grouping is difflib's own."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._lines = (a, b)

    def get_opcodes(self) -> list[Opcode]:
        a, b = self._lines
        raw: list[Opcode] = []
        _diff(a, 0, len(a), b, 0, len(b), raw)
        return _merge(raw)


def _diff(a: list[str], alo: int, ahi: int, b: list[str], blo: int, bhi: int,
          out: list[Opcode]) -> None:
    start_a, start_b = alo, blo
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo, blo = alo + 1, blo + 1
    if alo > start_a:
        out.append(("equal", start_a, alo, start_b, blo))
    end_a, end_b = ahi, bhi
    while ahi > alo and bhi > blo and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
    anchors = _anchors(a, alo, ahi, b, blo, bhi)
    if anchors:
        for i, j in anchors:
            _diff(a, alo, i, b, blo, j, out)
            out.append(("equal", i, i + 1, j, j + 1))
            alo, blo = i + 1, j + 1
        _diff(a, alo, ahi, b, blo, bhi, out)
    elif alo < ahi or blo < bhi:
        matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            out.append((tag, alo + i1, alo + i2, blo + j1, blo + j2))
    if ahi < end_a:
        out.append(("equal", ahi, end_a, bhi, end_b))


def _anchors(a: list[str], alo: int, ahi: int, b: list[str], blo: int,
             bhi: int) -> list[tuple[int, int]]:
    """The longest increasing run of lines that occur once on each side."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi)
             if count_a[a[i]] == 1 and a[i] in where_b]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Patience sorting on the b-side indexes (pairs come in a-side order)."""
    tops: list[int] = []
    back: list[int] = []
    pile_top: list[int] = []
    for index, (_, j) in enumerate(pairs):
        pile = bisect.bisect_left(tops, j)
        back.append(pile_top[pile - 1] if pile else -1)
        if pile == len(tops):
            tops.append(j)
            pile_top.append(index)
        else:
            tops[pile] = j
            pile_top[pile] = index
    chain: list[tuple[int, int]] = []
    at = pile_top[-1] if pile_top else -1
    while at >= 0:
        chain.append(pairs[at])
        at = back[at]
    return chain[::-1]


def _merge(opcodes: list[Opcode]) -> list[Opcode]:
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 == i2 and j1 == j2:
            continue
        if merged and merged[-1][0] == tag:
            last = merged[-1]
            merged[-1] = (tag, last[1], i2, last[3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged or [("equal", 0, 0, 0, 0)]

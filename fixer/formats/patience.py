"""A line diff that stays fast on large files: patience diff over lines unique to both
sides, with difflib only for the small gaps between those anchors, grouped into hunks here.

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


def opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """difflib-style opcodes that turn `a` into `b`, tiling both sides."""
    raw: list[Opcode] = []
    _diff(a, 0, len(a), b, 0, len(b), raw)
    return _merge(raw)


def hunks(a: list[str], b: list[str], context: int) -> list[list[Opcode]]:
    """The opcodes grouped as a unified diff shows them: each hunk has at most `context`
    unchanged lines before its first change and after its last, and an unchanged run longer
    than twice that ends one hunk and starts the next. None when nothing changed.

    Not difflib's SequenceMatcher: it indexes every line of the new side before it is asked
    anything, which was most of the diff of a thousand-service compose file."""
    codes = opcodes(a, b)
    if all(tag == "equal" for tag, *_ in codes):
        return []
    tag, i1, i2, j1, j2 = codes[0]
    if tag == "equal":   # the lines before the first change: only the last `context`
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    tag, i1, i2, j1, j2 = codes[-1]
    if tag == "equal":   # after the last change: only the first `context`
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    found: list[list[Opcode]] = [[]]
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            found[-1].append((tag, i1, i1 + context, j1, j1 + context))
            found.append([])
            i1, j1 = i2 - context, j2 - context
        found[-1].append((tag, i1, i2, j1, j2))
    return found


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

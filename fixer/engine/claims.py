"""Which text the fixes of one round have claimed, so that fixes editing disjoint parts of
one file (a port here, a `depends_on` there, in a compose file of a thousand services) go
in the same round instead of one round each.

Every fix of a round is computed on the round's first tree, so its offsets are offsets into
that tree's text, and the round's edits are applied to it together (`engine/history.py`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import dataclass, field

from fixer.core.edits import Edit, TextEdit


@dataclass
class _Spans:
    """Claimed ranges of one file, pairwise apart and so sorted by start and by end alike:
    a new range is checked against its two neighbours only, however many are claimed."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def touches(self, start: int, end: int) -> bool:
        """An overlap, or an edit at the same point as a claimed one (which goes first is
        unclear)."""
        at = bisect_left(self.starts, start)
        if at < len(self.starts) and self.starts[at] == start:
            return True
        before = bisect_left(self.starts, end) if end > start else at
        return before > 0 and self.ends[before - 1] > start

    def add(self, start: int, end: int) -> None:
        insort(self.starts, start)
        insort(self.ends, end)


@dataclass
class Claims:
    """The text edits taken so far in a round, by path, and the paths taken whole (a file
    created or deleted)."""

    spans: dict[str, _Spans] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def admits(self, edits: Sequence[Edit]) -> bool:
        for edit in edits:
            if edit.path in self.whole:
                return False
            if not isinstance(edit, TextEdit):
                if edit.path in self.spans:
                    return False
            elif edit.path in self.spans and self.spans[edit.path].touches(edit.start, edit.end):
                return False
        return True

    def take(self, edits: Sequence[Edit]) -> None:
        for edit in edits:
            if isinstance(edit, TextEdit):
                self.spans.setdefault(edit.path, _Spans()).add(edit.start, edit.end)
            else:
                self.whole.add(edit.path)

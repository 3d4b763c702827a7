"""Which text the fixes of one round have claimed, so that fixes editing disjoint parts of
one file (a port here, a `depends_on` there, in a compose file of a thousand services) go
in the same round instead of one round each.

Every fix of a round is computed on the round's first tree, so its offsets are offsets into
that tree's text, and the round's edits are applied to it together (`engine/history.py`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from dataclasses import dataclass, field

from fixer.core.edits import Edit, SharedPoint, TextEdit


@dataclass
class _Spans:
    """Claimed ranges of one file, pairwise apart and so sorted by start and by end alike:
    a new range is checked against its two neighbours only, however many are claimed.
    Insertions that share a point (`SharedPoint`) are the one exception: each is empty."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    # point -> the family and names of the insertions sharing it
    shared: dict[int, tuple[str, set[str]]] = field(default_factory=dict)

    def touches(self, edit: TextEdit) -> bool:
        """An overlap, or an edit at the same point as a claimed one (which goes first is
        unclear), unless both are insertions that may share it."""
        start, end = edit.start, edit.end
        at = bisect_left(self.starts, start)
        if at < len(self.starts) and self.starts[at] == start:
            return not self._shares(edit, bisect_right(self.starts, start) - at)
        before = bisect_left(self.starts, end) if end > start else at
        return before > 0 and self.ends[before - 1] > start

    def _shares(self, edit: TextEdit, claimed: int) -> bool:
        """The insertion may go beside the `claimed` ones at its point: they all share it,
        of its family, none of its name."""
        shares = _sharing(edit)
        family, names = self.shared.get(edit.start, ("", set()))
        return shares is not None and claimed == len(names) and family == shares.family and \
            shares.name not in names

    def add(self, edit: TextEdit) -> None:
        insort(self.starts, edit.start)
        insort(self.ends, edit.end)
        shares = _sharing(edit)
        if shares is not None:
            self.shared.setdefault(edit.start, (shares.family, set()))[1].add(shares.name)


def _sharing(edit: TextEdit) -> SharedPoint | None:
    """What lets the edit share its point: an insertion's `shares`; nothing of a splice
    that replaces text."""
    return edit.shares if edit.start == edit.end else None


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
            elif edit.path in self.spans and self.spans[edit.path].touches(edit):
                return False
        return True

    def take(self, edits: Sequence[Edit]) -> None:
        for edit in edits:
            if isinstance(edit, TextEdit):
                self.spans.setdefault(edit.path, _Spans()).add(edit)
            else:
                self.whole.add(edit.path)

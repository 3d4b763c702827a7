"""Which text the fixes of one round have claimed, so that fixes editing disjoint parts of
one file (a port here, a `depends_on` there, in a compose file of a thousand services) go
in the same round instead of one round each.

Every fix of a round is computed on the round's first tree, so its offsets are offsets into
that tree's text; `shifted` moves them past the edits applied before it in the round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fixer.core.edits import Edit, TextEdit


@dataclass
class Claims:
    """The text edits applied so far in a round, by path, and the paths taken whole (a file
    created or deleted)."""

    spans: dict[str, list[TextEdit]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)

    def admits(self, edits: Sequence[Edit]) -> bool:
        for edit in edits:
            if edit.path in self.whole:
                return False
            if not isinstance(edit, TextEdit):
                if edit.path in self.spans:
                    return False
            elif any(_touch(edit, other) for other in self.spans.get(edit.path, ())):
                return False
        return True

    def take(self, edits: Sequence[Edit]) -> None:
        for edit in edits:
            if isinstance(edit, TextEdit):
                self.spans.setdefault(edit.path, []).append(edit)
            else:
                self.whole.add(edit.path)

    def shifted(self, edits: Sequence[Edit]) -> list[Edit]:
        """The edits with their offsets moved past the claimed edits before them: what
        they are on the tree after the fixes already taken. Call before `take`."""
        return [_shift(e, self.spans.get(e.path, ())) if isinstance(e, TextEdit) else e
                for e in edits]


def _touch(edit: TextEdit, other: TextEdit) -> bool:
    """Overlapping ranges, or two edits at the same point (which goes first is unclear)."""
    return edit.start < other.end and other.start < edit.end or edit.start == other.start


def _shift(edit: TextEdit, earlier: Sequence[TextEdit]) -> TextEdit:
    delta = sum(len(e.text) - (e.end - e.start) for e in earlier if e.end <= edit.start)
    return TextEdit(edit.path, edit.start + delta, edit.end + delta, edit.text) if delta \
        else edit

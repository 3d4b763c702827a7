"""Edits a fix returns: splices of text, whole-file creations and deletions.

Offsets are character offsets into the file's current text (TextFile.text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SharedPoint:
    """What lets an insertion share its point with others of a fix round: a paragraph each
    of one `family` (one rule's paragraphs for one file, ranked alike), each complete
    without the others, of different `name`s (two paragraphs under one heading would have
    been one), in order of `rank`: where the rule would have put each, one fix at a time.
    Without it, two insertions at one point conflict: which goes first is unclear."""

    family: str
    rank: tuple[int, ...]
    name: str


@dataclass(frozen=True)
class TextEdit:
    """Replace text[start:end] of `path` with `text`."""

    path: str
    start: int
    end: int
    text: str
    shares: SharedPoint | None = None   # an insertion (start == end) that may share its point


def may_share(one: TextEdit, other: TextEdit) -> bool:
    """Two insertions at one point that may both go there (`SharedPoint`)."""
    return one.shares is not None and other.shares is not None and \
        one.shares.family == other.shares.family and one.shares.name != other.shares.name and \
        one.start == one.end == other.start == other.end


def splice_order(edit: TextEdit) -> tuple[int, int, tuple[int, ...], str]:
    """Where a splice goes among others: by position, insertions sharing a point by rank."""
    shares = edit.shares
    return (edit.start, edit.end, *((shares.rank, shares.name) if shares else ((), "")))


@dataclass(frozen=True)
class CreateFile:
    path: str
    text: str


@dataclass(frozen=True)
class DeleteFile:
    path: str


Edit = TextEdit | CreateFile | DeleteFile


class EditConflict(Exception):
    """Two edits of one fix touch the same text, or an edit targets a missing file."""


def edited_paths(edits: Iterable[Edit]) -> set[str]:
    return {edit.path for edit in edits}


def splice(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping splices to `text`; overlapping ones are refused. One pass over
    the text, however many splices: a fix round may splice a thousand into one compose file."""
    ordered = _checked_order(len(text), edits)
    parts: list[str] = []
    at = 0
    for edit in ordered:
        parts += [text[at:edit.start], edit.text]
        at = edit.end
    parts.append(text[at:])
    return "".join(parts)


def _checked_order(length: int, edits: Iterable[TextEdit]) -> list[TextEdit]:
    """The splices by position; EditConflict when two overlap (or insert at one point,
    where which goes first is unclear, unless they may share it) or one lies outside a text
    of `length`."""
    ordered = sorted(edits, key=splice_order)
    names: set[str] = set()   # of the insertions sharing the point `before` inserts at
    for before, after in zip(ordered, ordered[1:]):
        if after.start == before.end == after.end == before.start:   # insertions at one point
            one, other = before.shares, after.shares
            if one is None or other is None or not may_share(before, after) or \
                    other.name in names:
                raise EditConflict(f"{after.path}: overlapping edits at offset {after.start}")
            names.update((one.name, other.name))
            continue
        names.clear()
        if after.start < before.end:
            raise EditConflict(f"{after.path}: overlapping edits at offset {after.start}")
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= length:
            raise EditConflict(f"{edit.path}: edit {edit.start}-{edit.end} outside the file")
    return ordered


def apply_to_texts(
    texts: Mapping[str, str | None], edits: Iterable[Edit]
) -> dict[str, str | None]:
    """The new text of every path the edits touch (None: deleted).

    `texts` gives the current text of each touched path (None: absent).
    """
    result: dict[str, str | None] = {}
    for path, group in _by_path(edits).items():
        result[path] = _apply_one(path, texts.get(path), group)
    return result


def check_applicable(texts: Mapping[str, str | None], edits: Iterable[Edit]) -> None:
    """EditConflict when `apply_to_texts` would refuse the edits, without building any text."""
    for path, group in _by_path(edits).items():
        current = texts.get(path)
        if _whole_file(path, current, group) is None:
            _checked_order(len(current or ""), [e for e in group if isinstance(e, TextEdit)])


def _by_path(edits: Iterable[Edit]) -> dict[str, list[Edit]]:
    by_path: dict[str, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    return by_path


def _apply_one(path: str, current: str | None, group: list[Edit]) -> str | None:
    whole = _whole_file(path, current, group)
    if whole is not None:
        return whole[0]
    assert current is not None
    return splice(current, [e for e in group if isinstance(e, TextEdit)])


def _whole_file(path: str, current: str | None,
                group: list[Edit]) -> tuple[str | None] | None:
    """(the new text, None when deleted) of a group that creates or deletes the file; None
    for a group of splices into an existing file. EditConflict when the group cannot apply."""
    whole = [e for e in group if not isinstance(e, TextEdit)]
    if whole:
        if len(group) > 1:
            raise EditConflict(f"{path}: a file is created or deleted together with other edits")
        if isinstance(whole[0], CreateFile):
            if current is not None:
                raise EditConflict(f"{path}: cannot create, the file exists")
            return (whole[0].text,)
        if current is None:
            raise EditConflict(f"{path}: cannot delete, the file does not exist")
        return (None,)
    if current is None:
        raise EditConflict(f"{path}: cannot edit, the file does not exist")
    return None

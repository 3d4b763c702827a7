"""Edits a fix returns: splices of text, whole-file creations and deletions.

Offsets are character offsets into the file's current text (TextFile.text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TextEdit:
    """Replace text[start:end] of `path` with `text`."""

    path: str
    start: int
    end: int
    text: str


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
    """Apply non-overlapping splices to `text`; overlapping ones are refused."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end or (after.start == before.end == after.end == before.start):
            raise EditConflict(f"{after.path}: overlapping edits at offset {after.start}")
    out = text
    for edit in reversed(ordered):
        if not 0 <= edit.start <= edit.end <= len(text):
            raise EditConflict(f"{edit.path}: edit {edit.start}-{edit.end} outside the file")
        out = out[: edit.start] + edit.text + out[edit.end:]
    return out


def apply_to_texts(
    texts: Mapping[str, str | None], edits: Iterable[Edit]
) -> dict[str, str | None]:
    """The new text of every path the edits touch (None: deleted).

    `texts` gives the current text of each touched path (None: absent).
    """
    by_path: dict[str, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    result: dict[str, str | None] = {}
    for path, group in by_path.items():
        result[path] = _apply_one(path, texts.get(path), group)
    return result


def _apply_one(path: str, current: str | None, group: list[Edit]) -> str | None:
    whole = [e for e in group if not isinstance(e, TextEdit)]
    if whole:
        if len(group) > 1:
            raise EditConflict(f"{path}: a file is created or deleted together with other edits")
        if isinstance(whole[0], CreateFile):
            if current is not None:
                raise EditConflict(f"{path}: cannot create, the file exists")
            return whole[0].text
        if current is None:
            raise EditConflict(f"{path}: cannot delete, the file does not exist")
        return None
    if current is None:
        raise EditConflict(f"{path}: cannot edit, the file does not exist")
    return splice(current, [e for e in group if isinstance(e, TextEdit)])

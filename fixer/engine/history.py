"""The trees of a fix run, one per applied fix, rebuilt on demand from the fixes' edits.

A run of a thousand fixes would otherwise keep a thousand trees, or a thousand copies of
the compose file they share. A round keeps its first tree's version of each file its fixes
touch and each fix's edits, which are offsets into those files (the fixes of a round touch
disjoint text). The files just after any fix are those files with the edits of the round's
fixes up to it applied; the round's last tree is built once, in one pass over each file.
Branch mode reads each fix's files once; a report that asks which fix revealed a finding
rebuilds a few trees.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fixer.core.edits import Edit, TextEdit, apply_to_texts, splice, splice_order
from fixer.core.textfile import TextFile
from fixer.core.tree import Tree

# path -> (file before the fix, file after it); None: absent
FileChanges = Mapping[str, tuple[TextFile | None, TextFile | None]]


@dataclass(eq=False)
class Round:
    """The fixes applied together in one round, in order, on the files of its first tree."""

    base: Mapping[str, TextFile | None]   # each path a fix of the round touches, as it was
    edits: Sequence[Sequence[Edit]]       # each fix's, in offsets of `base`
    # path -> (how many fixes, their splices of it by position): branch mode asks for each
    # fix's files in order, and each answer extends the one before (no re-sort from scratch)
    _cursor: dict[str, tuple[int, list[TextEdit]]] = field(default_factory=dict, repr=False)
    # path -> (the positions of the fixes that edit its text, their edits), built once: a
    # path's splices then never walk the other paths' edits. Walking every fix before the
    # one asked for made a round of thousands of fixes cost the square of their number.
    _by_path: dict[str, tuple[list[int], list[TextEdit]]] | None = field(default=None,
                                                                          repr=False)

    def files_after(self, count: int, paths: set[str] | None = None) -> dict[str, TextFile | None]:
        """The files (of `paths`, else of every path the first `count` fixes touch) after the
        first `count` fixes of the round."""
        done = [e for fix in self.edits[:count] for e in fix
                if paths is None or e.path in paths]
        return self._applied(paths if paths is not None else {e.path for e in done}, done)

    def _applied(self, paths: set[str], edits: Sequence[Edit]) -> dict[str, TextFile | None]:
        texts = apply_to_texts({p: _text(self.base[p]) for p in paths}, edits)
        return {path: _file(self.base[path], path, texts[path]) if path in texts
                else self.base[path] for path in paths}

    def changes(self, position: int) -> FileChanges:
        """The files fix `position` of the round changed, just before and just after it."""
        out: dict[str, tuple[TextFile | None, TextFile | None]] = {}
        for path in sorted({e.path for e in self.edits[position]}):
            own = [e for e in self.edits[position] if e.path == path]
            if any(not isinstance(e, TextEdit) for e in own):
                # created or deleted: by this fix alone (engine/claims.py), so its own edits
                # on the round's first file are the whole story, however many fixes came
                # before it (a thousand D001 deletions in one round)
                out[path] = (self.base[path], self._applied({path}, own)[path])
                continue
            before = self._spliced(path, position)
            out[path] = (before, self._spliced(path, position + 1))
        return out

    def _spliced(self, path: str, count: int) -> TextFile | None:
        """The file after the first `count` fixes, from the splices kept by position."""
        done, spans = self._cursor.get(path, (0, []))
        if done > count:   # asked out of order: start again
            done, spans = 0, []
        for edit in self._text_edits(path, done, count):
            insort(spans, edit, key=splice_order)
        self._cursor[path] = (count, spans)
        base = self.base[path]
        return _file(base, path, splice(base.text, spans)) if base is not None and spans \
            else base


    def _text_edits(self, path: str, start: int, stop: int) -> list[TextEdit]:
        """The text edits of `path` by the fixes at positions `start` to `stop` (not
        included), in the fixes' order."""
        if self._by_path is None:
            self._by_path = {}
            for position, fix in enumerate(self.edits):
                for edit in fix:
                    if isinstance(edit, TextEdit):
                        positions, edits = self._by_path.setdefault(edit.path, ([], []))
                        positions.append(position)
                        edits.append(edit)
        positions, edits = self._by_path.get(path, ([], []))
        return edits[bisect_left(positions, start):bisect_left(positions, stop)]


def _text(file: TextFile | None) -> str | None:
    return file.text if file is not None else None


def _file(old: TextFile | None, path: str, text: str | None) -> TextFile | None:
    """Keep an existing file's encoding and BOM; new files are UTF-8."""
    if text is None:
        return None
    return old.with_text(text) if old is not None else TextFile(path, text)


@dataclass(eq=False)
class History:
    """The run's first tree and, for each applied fix in the order applied, its round and
    its place in it."""

    base: Tree
    steps: list[tuple[Round, int]] = field(default_factory=list)
    # the trees built lately: a report asks for the same few again and again
    _built: dict[int, Tree] = field(default_factory=dict, repr=False)

    def record(self, round_: Round, position: int) -> int:
        """The index of the fix at `position` of `round_` in the run."""
        self.steps.append((round_, position))
        return len(self.steps) - 1

    def files(self, index: int) -> FileChanges:
        """The files fix `index` changed, just before and just after it (built on demand)."""
        round_, position = self.steps[index]
        return round_.changes(position)

    def tree_at(self, count: int) -> Tree:
        """The tree after the first `count` fixes."""
        if count not in self._built:
            if len(self._built) >= 16:
                self._built.pop(next(iter(self._built)))
            files: dict[str, TextFile | None] = {}
            for round_, applied in _rounds(self.steps[:count]):
                files.update(round_.files_after(applied))
            self._built[count] = self.base.with_files(files)
        return self._built[count]


def _rounds(steps: Sequence[tuple[Round, int]]) -> list[tuple[Round, int]]:
    """Each round of the steps, in order, with how many of its fixes they include."""
    counts: dict[Round, int] = {}
    for round_, position in steps:
        counts[round_] = max(counts.get(round_, 0), position + 1)
    return list(counts.items())

"""The trees of a fix run, one per applied fix, rebuilt on demand from what each fix changed.

A run of a thousand fixes would otherwise keep a thousand trees; each fix keeps only its own
files before and after it, and a tree after any fix is the run's first tree with the files of
the fixes up to it (branch mode reads only the files; a report that asks which fix revealed a
finding rebuilds a few trees).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fixer.core.textfile import TextFile
from fixer.core.tree import Tree

# path -> (file before the fix, file after it); None: absent
FileChanges = Mapping[str, tuple[TextFile | None, TextFile | None]]


@dataclass(eq=False)
class History:
    """The run's first tree and the files each applied fix changed, in the order applied."""

    base: Tree
    changes: list[FileChanges] = field(default_factory=list)
    # the trees built lately: a report asks for the same few again and again
    _built: dict[int, Tree] = field(default_factory=dict, repr=False)

    def record(self, files: FileChanges) -> int:
        """The index of the fix whose changes these are."""
        self.changes.append(files)
        return len(self.changes) - 1

    def tree_at(self, count: int) -> Tree:
        """The tree after the first `count` fixes."""
        if count not in self._built:
            if len(self._built) >= 16:
                self._built.pop(next(iter(self._built)))
            files: dict[str, TextFile | None] = {}
            for changes in self.changes[:count]:
                files.update((path, new) for path, (_old, new) in changes.items())
            self._built[count] = self.base.with_files(files)
        return self._built[count]

"""Facts derived from an immutable owner, each computed once and kept by the owner.

A file's text, a tree and a workspace never change once built, so what is derived from
them (a parse tree, a folder index, the app module of a service) can be kept beside them.
Kept there, a fact lives exactly as long as its owner: the rounds of one fix run share
the files no fix changed, and nothing outlives the run (no module-level cache).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from fixer.core.textfile import TextFile

T = TypeVar("T")


class Memo(Generic[T]):
    """The name of a derived fact; its type parameter is the type of its value."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Memo({self.name!r})"


class Derived:
    """The facts derived from one owner so far."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[Memo[Any], object] = {}

    def get(self, fact: Memo[T], compute: Callable[[], T]) -> T:
        if fact not in self._values:
            self._values[fact] = compute()
        return cast(T, self._values[fact])


Read = Callable[[str], "TextFile | None"]


class Carried:
    """Facts computed from files alone, kept across the trees of one fix run.

    A fix round builds a new tree and workspace, so facts kept on the workspace are computed
    again each round, though most files did not change. A fact kept here remembers every
    file its computation read (through the reader it was handed) and is used again only
    while each of them reads back as the very same file: a pure function of those files
    gives the same value. The check reads them again through the caller's reader, so that
    a file that cannot be read is reported by this workspace as it would have been."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[tuple[Memo[Any], Hashable], tuple[object, tuple[tuple[str, Any], ...]]] \
            = {}

    def get(self, fact: Memo[T], key: Hashable, read: Read,
            compute: Callable[[Read], T]) -> T:
        kept = self._values.get((fact, key))
        if kept is not None and all(read(path) is file for path, file in kept[1]):
            return cast(T, kept[0])
        reads: dict[str, TextFile | None] = {}

        def tracked(path: str) -> TextFile | None:
            file = read(path)
            reads.setdefault(path, file)
            return file

        value = compute(tracked)
        self._values[(fact, key)] = (value, tuple(reads.items()))
        return value

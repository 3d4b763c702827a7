"""Facts derived from an immutable owner, each computed once and kept by the owner.

A file's text, a tree and a workspace never change once built, so what is derived from
them (a parse tree, a folder index, the app module of a service) can be kept beside them.
Kept there, a fact lives exactly as long as its owner: the rounds of one fix run share
the files no fix changed, and nothing outlives the run (no module-level cache).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from fixer.core.textfile import TextFile

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Memo(Generic[T]):
    """The name of a derived fact; its type parameter is the type of its value."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Memo({self.name!r})"


# What `Derived.get` finds for a fact not computed yet (None may be a fact's value).
_UNKNOWN: Any = object()


class Derived:
    """The facts derived from one owner so far. `shared`: the owner is a workspace or a
    service, whose facts may rest on the compose model, which a computation carried across
    fix rounds (`Carried.remember`) cannot follow: asking one of them there keeps that
    computation from being carried."""

    __slots__ = ("_values", "_shared")

    def __init__(self, shared: bool = False) -> None:
        self._values: dict[Memo[Any], Any] = {}
        self._shared = shared

    def get(self, fact: Memo[T], compute: Callable[[], T]) -> T:
        # asked some hundred thousand times a run: one lookup when the fact is known, and
        # no call to `cast`
        if self._shared and RECORDING:
            untrack()
        value: T = self._values.get(fact, _UNKNOWN)
        if value is _UNKNOWN:
            value = self._values[fact] = compute()
        return value

    def keyed(self, fact: Memo[dict[K, T]], key: K, compute: Callable[[], T]) -> T:
        """The fact for one key (a stage of a Dockerfile, a stack of a workspace), all its
        keys' values kept under `fact`; `compute` runs once per key. The value is shared:
        callers read it, never change it."""
        # `get` inlined, and one lookup of the key when known (`_UNKNOWN`, not None: None
        # may be a key's value): asked some forty thousand times a run
        if self._shared and RECORDING:
            untrack()
        known: dict[K, T] = self._values.get(fact, _UNKNOWN)
        if known is _UNKNOWN:
            known = self._values[fact] = {}
        value: T = known.get(key, _UNKNOWN)
        if value is _UNKNOWN:
            value = known[key] = compute()
        return value

    def has(self, fact: Memo[Any]) -> bool:
        """The fact was computed already."""
        return fact in self._values


class Reads:
    """What one computation read of a tree: each file (None: absent) and each existence it
    asked about, the tree's listing when it asked for one, and whether it asked for
    anything a tree cannot vouch for (`carriable` False)."""

    __slots__ = ("files", "exists", "listing", "carriable")

    def __init__(self) -> None:
        self.files: dict[str, TextFile] = {}
        self.exists: dict[str, bool] = {}
        self.listing: Hashable | None = None
        self.carriable = True

    def add(self, other: Reads) -> None:
        for path, file in other.files.items():
            self.files.setdefault(path, file)
        for path, present in other.exists.items():
            self.exists.setdefault(path, present)
        if other.listing is not None and self.listing is None:
            self.listing = other.listing
        self.carriable = self.carriable and other.carriable


# The computations being carried right now, innermost last: the dynamic extent of
# `Carried.remember`, not a cache. A tree notes every read into each of them.
RECORDING: list[Reads] = []


def note_file(path: str, file: TextFile) -> None:
    for reads in RECORDING:
        reads.files.setdefault(path, file)


def note_exists(path: str, present: bool) -> None:
    for reads in RECORDING:
        reads.exists.setdefault(path, present)


def note_listing(token: Hashable) -> None:
    for reads in RECORDING:
        if reads.listing is None:
            reads.listing = token


def untrack() -> None:
    for reads in RECORDING:
        reads.carriable = False


class Files(Protocol):
    """A tree as a carried computation is checked against: without noting the reads."""

    def present(self, path: str) -> bool: ...

    def peek(self, path: str) -> TextFile | None: ...   # None: absent or unreadable

    def listing_token(self) -> Hashable: ...


Read = Callable[[str], "TextFile | None"]


class Carried:
    """Facts computed from files alone, kept across the trees of one fix run.

    A fix round builds a new tree and workspace, so facts kept on the workspace are computed
    again each round, though most files did not change. A fact kept here remembers every
    file its computation read, every existence it asked about and the listing if it asked
    for one (the trees note them while it runs), and is used again only while each reads
    back the same: a pure function of those files gives the same value. A computation that
    met a file it could not read is not kept, so that each workspace reports the file as it
    would have been reported."""

    __slots__ = ("_remembered",)

    def __init__(self) -> None:
        self._remembered: dict[tuple[Memo[Any], Hashable], _Kept] = {}

    def remember(self, fact: Memo[T], key: Hashable, files: Files, compute: Callable[[], T]) -> T:
        """`compute()`, or its value from an earlier tree of the run when every file it read
        reads back as the very same file, every existence it asked about is unchanged, and
        so is the listing if it asked for one. Its reads are noted as it runs (the trees do
        it: no reader to thread through); it must take nothing from the compose model but
        what `key` holds. What it asks of a workspace or a service (`Derived(shared=True)`)
        or a file that cannot be read keeps it from being carried: it is computed again."""
        kept = self._remembered.get((fact, key))
        if kept is not None and kept.holds_in(files):
            for reads in RECORDING:
                reads.add(kept.reads)
            return cast(T, kept.value)
        reads = Reads()
        RECORDING.append(reads)
        try:
            value = compute()
        finally:
            RECORDING.pop()
        for outer in RECORDING:
            outer.add(reads)
        if reads.carriable:
            self._remembered[(fact, key)] = _Kept(value, reads, files)
        return value


class _Kept:
    """A carried value, what its computation read, and the last tree those reads were
    found to hold in: the rules of one check ask the same fact again and again, and a
    tree never changes, so one tree is checked once (not once per asking)."""

    __slots__ = ("value", "reads", "_holds_in")

    def __init__(self, value: object, reads: Reads, files: Files) -> None:
        self.value = value
        self.reads = reads
        self._holds_in = files

    def holds_in(self, files: Files) -> bool:
        if files is self._holds_in:
            return True
        if not _still(self.reads, files):
            return False
        self._holds_in = files
        return True


def _still(reads: Reads, files: Files) -> bool:
    if reads.listing is not None and files.listing_token() != reads.listing:
        return False
    # plain loops, not any() over a generator: a fix round checks every carried fact
    for path, present in reads.exists.items():
        if files.present(path) != present:
            return False
    for path, file in reads.files.items():
        if files.peek(path) is not file:
            return False
    return True

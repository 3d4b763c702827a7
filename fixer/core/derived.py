"""Facts derived from an immutable owner, each computed once and kept by the owner.

A file's text, a tree and a workspace never change once built, so what is derived from
them (a parse tree, a folder index, the app module of a service) can be kept beside them.
Kept there, a fact lives exactly as long as its owner: the rounds of one fix run share
the files no fix changed, and nothing outlives the run (no module-level cache).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

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

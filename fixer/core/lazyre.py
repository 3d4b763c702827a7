"""Regular expressions compiled when first used, not when their module is imported.

fixer holds some 260 patterns at module level, and compiling them all was a sixth of its
start-up, paid by every run before any file is read; yet a run uses only the patterns its
files call for, and a check of many services uses most of them in one of its two processes
only (engine/fanout.py). `lazy_compile` returns a stand-in that compiles its pattern on the
first use and from then on holds the compiled pattern's own methods: a call costs what a
call on the compiled pattern costs.
"""

from __future__ import annotations

import re
from typing import Any, cast

# what the stand-in takes over from the compiled pattern on its first use
_TAKEN = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
          "scanner", "pattern", "flags", "groups", "groupindex")


class _Lazy:
    """A pattern not compiled yet; its first use compiles it."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # reached only for what the instance does not hold yet: before the first use
        if name.startswith("__") or name in ("_source", "_compiled"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern; from its first use on, the instance answers with its
        methods."""
        compiled: re.Pattern[str] | None = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self._compiled = re.compile(*self._source)
            for attribute in _TAKEN:
                setattr(self, attribute, getattr(compiled, attribute))
        return compiled

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, compiled on the first use."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))


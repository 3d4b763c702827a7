"""The errors of a run: bad input (it names the file and the line) and rule crashes (a bug
in fixer, named by the rule that raised)."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

Stage = Literal["detect", "fix"]


class InputError(Exception):
    """Input fixer cannot read: malformed YAML, a binary file, a context outside the root."""

    def __init__(self, path: str, line: int, message: str) -> None:
        # a byte that is not UTF-8, quoted from a file read as bytes (a surrogate escape),
        # shown as `\xe9`: every report writes the message as UTF-8
        if not message.isascii():
            message = "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c
                              for c in message)
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class RuleCrash(InputError):
    """A rule that raised: a bug in fixer, not in the input; the other rules still run.

    It rides in the lists of input errors so that every consumer still counts it (exit code
    2, the stack check's before/after comparison), but it names no file of the repository:
    the outputs tell the two apart by type. `path` and `line` are where fixer's own code
    raised, for the maintainers; the user sees the rule code and the exception."""

    def __init__(self, code: str, stage: Stage, exc: BaseException) -> None:
        self.code, self.stage, self.exc = code, stage, exc
        self.exception = f"{type(exc).__name__}: {exc}"
        path, line = _raised_at(exc)
        super().__init__(path, line, f"internal error in rule {code} ({stage}): {self.exception}")

    def __str__(self) -> str:
        return self.message

    def report_line(self) -> str:
        return f"fixer: {self.message} — please report it"

    def traceback_text(self) -> str:
        return "".join(traceback.format_exception(self.exc)).rstrip("\n")


class NoComposeFile(InputError):
    """A folder with no compose file: nothing of it was checked. A wrong path, or compose
    files under names fixer does not know, never a clean repository (exit 2). It is about
    the folder, at no line of a file: the outputs show its message alone, which names the
    folder as the user typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(".", 1, message)

    def __str__(self) -> str:
        return self.message


def _raised_at(exc: BaseException) -> tuple[str, int]:
    """The last frame of fixer's own code in the traceback, relative to the package's parent."""
    source_root = Path(__file__).resolve().parents[2]   # fixer/core/errors.py -> the checkout
    path, line = "fixer", 1
    for frame in traceback.extract_tb(exc.__traceback__):
        file = Path(frame.filename).resolve()
        if file.is_relative_to(source_root):
            path, line = file.relative_to(source_root).as_posix(), frame.lineno or 1
    return path, line


def input_errors(errors: Sequence[InputError]) -> list[InputError]:
    """The errors that are the input's: --apply waits for these, not for fixer's own bugs."""
    return [e for e in errors if not isinstance(e, RuleCrash)]


def crashes(errors: Sequence[InputError]) -> list[RuleCrash]:
    return [e for e in errors if isinstance(e, RuleCrash)]


class BudgetExceeded(Exception):
    """A fix run passed its time or memory budget (`fixer.engine.budget`): a one-line
    message; nothing is written."""

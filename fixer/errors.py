"""The one error type for bad input: it names the file and the line."""

from __future__ import annotations


class InputError(Exception):
    """Input fixer cannot read: malformed YAML, a binary file, a context outside the root."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def crash_error(code: str, exc: BaseException) -> InputError:
    """A rule that raised: a bug in fixer, not in the input. Named by the line of fixer's
    own code that raised, so the report says where to look; the other rules still run."""
    import traceback
    from pathlib import Path

    source_root = Path(__file__).resolve().parent.parent
    path, line = "fixer", 1
    for frame in traceback.extract_tb(exc.__traceback__):
        file = Path(frame.filename).resolve()
        if file.is_relative_to(source_root):
            path, line = file.relative_to(source_root).as_posix(), frame.lineno or 1
    return InputError(path, line, f"rule {code} crashed ({type(exc).__name__}: {exc}); "
                                  "its findings are missing. This is a bug in fixer.")

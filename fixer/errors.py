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

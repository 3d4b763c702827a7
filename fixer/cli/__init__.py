"""The command line, one module per command. `main(argv) -> int`; the work is in the engine."""

from __future__ import annotations

from fixer.cli.entry import main, run

__all__ = ["main", "run"]

"""Writing a tree's changes into the working tree: atomic writes, modes kept."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fixer.core.textfile import TextFile


def write_changes(root: Path, changes: dict[str, tuple[TextFile | None, TextFile | None]]) -> None:
    for path, (_old, new) in sorted(changes.items()):
        target = root / path
        if new is None:
            target.unlink()
        elif target.is_symlink():
            # The text came through the link: write through it and keep the link.
            write_atomic(target.resolve(), new.encode())
        else:
            write_atomic(target, new.encode())


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename over it, keeping its mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".fixer")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(temp, mode)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise

"""One generated service's build folder, as the benchmark's generators write it."""

from __future__ import annotations

from pathlib import Path


def write_app(folder: Path, dockerfile: str, main: str,
              requirements: str = "fastapi\nuvicorn\n") -> None:
    """The folder's Dockerfile and requirements, and an `app` package holding `main`."""
    (folder / "app").mkdir(parents=True, exist_ok=True)
    (folder / "Dockerfile").write_text(dockerfile)
    (folder / "requirements.txt").write_text(requirements)
    (folder / "app" / "__init__.py").write_text("")
    (folder / "app" / "main.py").write_text(main)

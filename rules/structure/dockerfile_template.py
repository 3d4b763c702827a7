"""A standard Dockerfile for a FastAPI service folder: python slim base, dependencies
installed first (so code edits reuse the cached layer), the folder copied, uvicorn
started in exec form on the port compose expects.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter
from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile
from fixer.core.tree import Tree
from fixer.facts.image.images import base_image, classify
from fixer.model.workspace import Workspace

DEFAULT_BASE = "python:3.12-slim"
APP_MODULES = ("app/main.py", "main.py", "src/main.py")
_APP_ASSIGNMENT = lazy_compile(r"^(\w+)\s*(?::[^=\n]*)?=\s*(?:fastapi\.)?FastAPI\(", re.M)
_FACTORY = lazy_compile(r"^def\s+(create_app|get_app|make_app)\s*\(", re.M)
_IMPORTS_FASTAPI = lazy_compile(r"^\s*(?:from|import)\s+fastapi\b", re.M)


@dataclass(frozen=True)
class AppTarget:
    path: str            # the module file
    target: str          # `app.main:app`
    factory: bool        # served with `--factory`
    fastapi: bool = True  # the module builds or imports a FastAPI app (not Flask, Streamlit)


def find_app(tree: Tree, context: str) -> AppTarget | None:
    """The FastAPI module of a service folder: app/main.py, main.py or src/main.py."""
    for relative in APP_MODULES:
        path = posixpath.join(context, relative) if context else relative
        if not tree.exists(path):
            continue
        text = tree.read(path).text
        module = relative[:-3].replace("/", ".")
        assignment = _APP_ASSIGNMENT.search(text)
        if assignment:
            return AppTarget(path, f"{module}:{assignment.group(1)}", False)
        factory = _FACTORY.search(text)
        if factory:
            return AppTarget(path, f"{module}:{factory.group(1)}", True)
        return AppTarget(path, f"{module}:app", False,
                         _IMPORTS_FASTAPI.search(text) is not None)
    return None


def fleet_base(ws: Workspace) -> str:
    """The Debian-based python image (slim or full) most of the repository's built
    services use, for fleet consistency."""
    bases: Counter[str] = Counter()
    for service in ws.apps():
        image = base_image(service.app.dockerfile, service.app.stage)
        if image.startswith("python:") and classify(image).manager == "apt" and "$" not in image:
            bases[image] += 1
    return bases.most_common(1)[0][0] if bases else DEFAULT_BASE


# a python image's version and what follows it (`python:3.12-slim`, `python:3.11.7-bookworm`)
_PYTHON_TAG = lazy_compile(r"python:(\d+)\.(\d+)(?:\.\d+)?(.*)")


def for_python(base: str, wanted: tuple[int, int] | None) -> str:
    """The base, on the Python the project asks for where its own is older (a
    `requires-python = ">=3.13"` project on `python:3.12-slim`, which pip refuses to
    install): the same variant of that version (`python:3.13-slim`)."""
    tag = _PYTHON_TAG.fullmatch(base)
    if tag is None or wanted is None or (int(tag[1]), int(tag[2])) >= wanted:
        return base
    return f"python:{wanted[0]}.{wanted[1]}{tag[3]}"


def render(base: str, app: AppTarget, port: int, install: str, newline: str,
           workdir: str = "/app") -> str:
    """The Dockerfile text. `install` is "requirements", "pyproject" or "packages"."""
    argv = ["uvicorn", app.target, *(["--factory"] if app.factory else []),
            "--host", "0.0.0.0", "--port", str(port)]
    lines = [f"FROM {base}", "", "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1", "",
             f"WORKDIR {workdir}", ""]
    if install == "requirements":
        lines += ["COPY requirements.txt .",
                  "RUN pip install --no-cache-dir -r requirements.txt", "", "COPY . .", ""]
    elif install == "pyproject":
        lines += ["COPY . .", "RUN pip install --no-cache-dir .", ""]
    else:
        lines += ['RUN pip install --no-cache-dir fastapi "uvicorn[standard]"', "",
                  "COPY . .", ""]
    lines += [f"EXPOSE {port}", "", "CMD [" + ", ".join(json.dumps(a) for a in argv) + "]", ""]
    return newline.join(lines)

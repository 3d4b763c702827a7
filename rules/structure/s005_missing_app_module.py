"""The command serves an app module that the image does not hold.

## What it does
Follows an app service's command (`uvicorn app.main:app`, `gunicorn main:app`,
`fastapi run`) to the module it names, from the folder the server runs in (the
final stage's `WORKDIR`, or the one its base image sets, `/app` of
`tiangolo/uvicorn-gunicorn-fastapi`; or compose's `working_dir`), through what the image's
`COPY` and `ADD` instructions put there, and reports the command when no file of the
build context lands where Python would import the module from: a `COPY app ./app`
that leaves the service's root `main.py` out, an `app/main.py` renamed or moved.
Also reports a module the image holds that never names the app the command serves
(`uvicorn main:application` where `main.py` builds `api = FastAPI()`): read as text, so
a name written anywhere in the module, a star import, a module `__getattr__` or a
write to its namespace (`globals()`, `setattr`) leaves it alone. A package served by its
name (`uvicorn app:app`) with a submodule of the served name (`app/app.py`) is reported
only when its `__init__.py` imports nothing: an import there may bind the submodule.
A path `fastapi run` is given (`fastapi run app/main.py`, a package folder `app`) is read
from the folder the server runs in, as fastapi-cli reads it: reported where a COPY puts
the path's folder there from the build context and that folder lacks the file, or where
no COPY puts anything at the path (`COPY app ./app` and `fastapi run main.py`), as for a
module (PYTHONPATH and installed packages do not bring a path; a bind mount still may).
Also reports a bind mount over the served module whose source the repository does not
hold (`./app/:/app` beside a repository with no `app/`): Docker creates the folder empty
on the host, and the mount hides the code the image put there; and one whose source the
repository holds without the module at the place it mounts over (`.:/app`, the checkout's
root, over the `/app/main.py` that `COPY ./app /app` wrote: the root has no `main.py`),
unless the base image's own start picks its module once the mount is in. Not a source git
ignores (a step writes it) or a submodule's, nor where the module may come from elsewhere
(a package the image installs, a PYTHONPATH entry other than the server's working
directory: `ENV PYTHONPATH=/app` beside `WORKDIR /app` brings nothing).

Left alone, because they may bring the module: a `volumes:` entry over the module's
folder or above it (`.:/app`, `./src/svc:/app/svc`; not one beside it, `./logs:/app/logs`,
nor a bind mount of a repository folder that lacks the module too, `./:/code` with no
`webapp/main.py` in the repository, unless git ignores that path), one fixer cannot read,
`PYTHONPATH` (set to anything, `$PWD/todos` too), code of the build context the image
installs as a package (`pip install .`, `pip install ./libs/core`, a wheel, `uv
sync`, `poetry install`), a stage
that copies nothing from the build context, a base image fixer does not know (an
organization's image may hold the code), a start script, a folder or module that
reads a variable, and a build step that may put code where fixer does not follow it: a
COPY or ADD from another stage or image (`--from`), of a source that reads a variable or
is a glob (`COPY services/${SERVICE}/ ./`), a heredoc (`COPY <<PY main.py`), an ADD that
unpacks an archive or downloads, and a RUN that fetches, unpacks or moves files (`git
clone`, `tar -x`, `cp -r`).

## Why is this bad?
The server imports the module before it binds its port: the container stops at
once with `ModuleNotFoundError` or `Attribute "…" not found in module "…"` (or
restarts in a loop), every healthcheck fails,
and whatever waits for the service never starts.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app ./app
# the app is main.py at the service's root, which no COPY takes
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Use instead
```dockerfile
COPY main.py .
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
```

## Fix safety
Display-only: whether the command or the `COPY` is wrong, and which module is the
app, needs a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixer.core.lazyre import lazy_compile
from fixer.facts.image.images import family_of
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.installed_project import installs_local_code
from fixer.model.rule import Category, Location, Safety, Severity, Violation
from fixer.model.hidden_code import hidden_code
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain

CODE = "S005"
NAME = "missing-app-module"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # which module the command serves, as the other app rules find it
APP_ONLY = True   # the module an app service's command serves
# Its findings stop the service at start-up: a fix that waits for it to be healthy is held.
STOPS_START = True
SAFETY = (Safety.DISPLAY,)


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[tuple[str, int]] = set()
    for service in app_services(ws):
        found = _violation(ws, service)
        if found is not None and (found.path, found.line) not in seen:
            seen.add((found.path, found.line))
            yield found


def _violation(ws: Workspace, service: BuiltService) -> Violation | None:
    hidden = _hidden_by_a_missing_mount(ws, service)
    if hidden is not None:
        return hidden
    app = service.app
    path = appmodule.fastapi_path(app.listen.launch) if app.listen.launch else None
    if not family_of(app.dockerfile, app.stage, app.args).known or \
            (path is None and installs_local_code(service)) or \
            _may_bring_code(app.dockerfile, app.stage):
        return None   # an organization's base image, a package (not for a path fastapi-cli
                      # reads from the folder), or a step fixer does not follow may put it
    region = app.listen.region
    if region is None:
        return None
    missing = appmodule.missing_module_file(ws, service)
    if missing is not None:
        return Violation(
            message=(f"{service.name} serves `{missing.target}` from {missing.cwd}, and no "
                     f"COPY puts {missing.file} there"
                     + (" nor on the image's import path" if missing.imported else "")
                     + f": {missing.stops}"),
            path=region.path, line=_line_of(ws, region.path, region.start),
            service=service.name,
            subject=f"module {missing.target}",
            reason=("whether the command or the COPY is wrong, and which module is the app, "
                    "needs a person"))
    unbound = appmodule.missing_app_attribute(ws, service)
    if unbound is None:
        return None
    module = unbound.target.partition(":")[0]
    return Violation(
        message=(f"{service.name} serves `{unbound.target}`, and {unbound.path} never names "
                 f"`{unbound.name}`: the server stops at start-up (Attribute "
                 f"\"{unbound.name}\" not found in module \"{module}\")"),
        path=region.path, line=_line_of(ws, region.path, region.start), service=service.name,
        subject=f"module {unbound.target}",
        reason=("whether the command names the wrong app or the module lost it needs a "
                "person"))


def _hidden_by_a_missing_mount(ws: Workspace, service: BuiltService) -> Violation | None:
    """A bind mount over the served module of a folder the repository does not hold
    (`model/hidden_code.py`)."""
    hidden = hidden_code(ws, service)
    if hidden is None:
        return None
    doc, key = service.key()
    return Violation(
        message=f"{service.name} {hidden.says()}",
        path=doc.path, line=doc.line(key), column=doc.column(key), service=service.name,
        subject=f"mount {hidden.written}",
        reason=("whether the mount names the wrong folder or is left from another layout "
                "needs a person"))


# RUN steps that may fetch, unpack or move code into place (`git clone`, `tar -xzf`,
# `cp -r /src/app /app`, `pip install git+https://...`): fixer follows COPY alone. The
# program in a command's place, not a package name (`apt-get install -y curl git`).
_MOVERS = r"(?:git|tar|unzip|cp|mv|ln|rsync|wget|curl|svn|hg|gsutil|aws|rclone|make)"
_MOVES_CODE = lazy_compile(r"(?:^|&&|\|\|?|;|\bRUN\b|\bthen\b|\bdo\b|`|\$\()\s*"
                           r"(?:sudo\s+)?" + _MOVERS + r"\b|\bgit\+", re.M)
# what ADD unpacks or downloads: a local archive, a URL, a git repository
_ADD_FETCHES = lazy_compile(r"(?:://|^git@|\.(?:tar|tgz|tbz2?|txz|zip|gz|bz2|xz)$)", re.I)


def _may_bring_code(dockerfile: Dockerfile, stage: Stage) -> bool:
    """A step of the stage's lineage that may put code where fixer does not follow it: a
    COPY or ADD from another stage or image (`--from`), of a source that reads a variable
    or a glob (`COPY services/${SERVICE}/ ./`), a heredoc (`COPY <<PY main.py`), an ADD
    that unpacks or downloads, or a RUN that fetches, unpacks or moves files."""
    text = dockerfile.file.text
    for link in chain(dockerfile, stage):
        for ins in link.instructions:
            if ins.cmd == "RUN" and _runs_a_mover(ins, text):
                return True
            if ins.cmd not in ("COPY", "ADD"):
                continue
            sources = ins.value[:-1]
            if any(f.startswith("--from=") for f in ins.flags) or \
                    "<<" in text[ins.start:ins.end] or \
                    any(c in source for source in sources for c in "$*?[") or \
                    (ins.cmd == "ADD" and any(_ADD_FETCHES.search(s) for s in sources)):
                return True
    return False


def _runs_a_mover(ins: Instruction, text: str) -> bool:
    if ins.json:
        return bool(ins.value) and re.fullmatch(_MOVERS, ins.value[0].rsplit("/", 1)[-1]) \
            is not None
    # a continued line goes on the command before it: `\` then `    curl \` in an install's
    # package list names a package, not a program run
    return _MOVES_CODE.search(_CONTINUED.sub(" ", text[ins.start:ins.end])) is not None


# a line continuation: a backslash at the end of a line (before a CRLF too)
_CONTINUED = lazy_compile(r"\\\r?\n")


def _line_of(ws: Workspace, path: str, offset: int) -> int:
    file = ws.read(path)
    # never None: a line of text
    return Location.of_text(file, offset, offset).line or 1 if file is not None else 1

"""The command runs a server (or the app imports FastAPI) that the service's requirements do not list.

## What it does
Reads what the service starts (compose `command:`, else the final stage's CMD or
ENTRYPOINT): uvicorn, gunicorn (and uvicorn's worker class, from `-k`, else a literal
`worker_class` in the configuration file `-c` names or the `./gunicorn.conf.py` gunicorn
reads by default from its working directory, unless GUNICORN_CMD_ARGS names a worker or
another file), `fastapi run` or `fastapi dev`
(the FastAPI CLI), hypercorn, granian, or a script calling `uvicorn.run`; and whether
the app module imports `fastapi`. Each must be declared in the requirements files the
image installs (`pip install -r`, `uv pip sync`, `pip-sync`, followed through `-r`
includes), the build context's requirements.txt, the pyproject.toml a COPY brings in
(else the build context's; PEP 621
`dependencies` or Poetry's `[tool.poetry.dependencies]`) when `pip install .`,
`uv sync`, `poetry install` or `pdm install` builds it, with the extras and dependency
groups that command installs (an extra naming the project's own extras, `all =
["api[gpu,serve]"]` in the project `api`, brings theirs, as pip resolves it from 21.2
on; uv: its default groups, `dev` unless `[tool.uv] default-groups` says otherwise,
changed by `--no-dev`, `--group`, `--only-group`, `--no-group`, `--all-groups`,
`--extra`, `--all-extras`; Poetry: every group not marked
optional, changed by `--with`, `--without`, `--only`, `--no-dev`, `--extras`; pdm: `--prod`
leaves out the dev groups, `-G` and `--without` choose), or a `pip install NAME`, `poetry
add NAME`, `uv add NAME` or `pdm add NAME` — in
the final stage, the stages it is built FROM, or a stage whose installs it copies
(`pip install --prefix=/install` then `COPY --from=builder /install /usr/local`, a
venv, site-packages). Names compare PEP 503-normalized; extras, markers and versions
do not matter to the match (`uvicorn[standard]>=0.29` counts as uvicorn, and so does
`uvicorn==$UVICORN_VERSION`: a variable in the version alone leaves the name known, and
the release it picks may bring what some releases of that package bring).

A requirement known to bring the package counts too: `fastapi[standard]` and
`fastapi[all]` bring uvicorn and the FastAPI CLI, and so does fastapi 0.111.0 or 0.111.1
without an extra (later releases moved both to `standard`), when the requirement admits
no other release (`==0.111.0`, `~=0.111.0`, Poetry's `^0.111`) or the lock file that
`poetry install`, `uv sync` or `pdm install` installs from pins one. A package that lock
file pins for what the install takes is installed, whichever requirement brings it (fastapi
through `gradio`); one only a left-out group needs (uvicorn of the `dev` group after
`uv sync --no-dev`) is not.
`fastapi-cli` brings uvicorn from 0.0.5 on (pinned there, or with no upper bound: pip
installs the newest), and with its `standard` extra. `fastapi-slim` installs the `fastapi`
package, `gradio` (3.0 on) brings fastapi and uvicorn, and `sentry-sdk[fastapi]` brings
fastapi. `uvicorn-worker` (the worker class `uvicorn_worker.UvicornWorker`) brings gunicorn
and uvicorn from 0.2.0 on, `nicegui` (1.0 on) brings fastapi and uvicorn, and
`fastapi-users` brings fastapi. So do ML servers: `vllm`, and the `server` extra of
`llama-cpp-python` (0.2 on) and of `infinity-emb`, `ray[serve]` (Ray 2 on) and
`litellm[proxy]` (1.0 on) bring fastapi and uvicorn.

A requirement whose dependencies fixer does not know may bring anything: no finding
while the image installs one. Beside the packages above, fixer knows common libraries
that bring none of these (`pydantic`, `sqlalchemy`, `httpx`, `requests`, `psycopg`,
`redis`, `celery`, `numpy`, `torch`, `transformers`, ...), with the extras it knows
(`sqlalchemy[asyncio]`, `uvicorn[standard]`); any other project (`reflex`, `chainlit`),
an extra it does not know (`transformers[serving]` brings fastapi and uvicorn), or a
release before those it knows (`nicegui` before 1.0) is unknown. A requirements file
pip-compile or `uv pip compile` writes, or one that pins every line with `--hash`, lists
what its lines bring: there an unknown line brings nothing more.

No finding when the image may hold packages fixer cannot name: a workspace member
(`uv sync --package api`), install options fixer cannot read (`uv sync $ARGS`, an ENV such
as `UV_NO_DEV`, a `pdm install` with no group option, where the lock file's groups
decide), `pip install` of wheels,
paths, wildcards or `$VARIABLES` (other than in the version), a `-r` file it
cannot find, a project whose
dependencies setup.py, setup.cfg or a `dynamic` pyproject.toml decide, one with a
dependency on a local path (Poetry's `shared = { path = "../libs/shared" }`, `shared @
file:///...`), which brings that library's own dependencies, `pipenv` or
`conda`, packages copied from another image, or a base image other than a plain Python
or OS one (`tiangolo/uvicorn-gunicorn-fastapi` already carries them; uv's images built on
them, `ghcr.io/astral-sh/uv:python3.12-bookworm-slim`, are plain). Nor when the command installs
packages as the container starts: `uv run` in another project's folder or a workspace
member (`--directory`, `--project`, `--package`, `--all-packages`: uv syncs that project
first) or with packages of its own (`--with`, `--with-requirements`, `--isolated`). A pyproject.toml the
image installs that is not valid TOML is an input error (its file and line), and no
finding.

## Why is this bad?
The image builds, then the container exits at once: `exec: "uvicorn": executable file
not found`, or `ModuleNotFoundError: No module named 'fastapi'`. It often works on a
developer's machine, where the package happens to be installed.

## Example
```text
# requirements.txt
fastapi>=0.110
# Dockerfile
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
```

## Use instead
```text
# requirements.txt
fastapi>=0.110
uvicorn[standard]>=0.29
```

## Fix safety
Unsafe: a new dependency changes what the image installs, and the version fixer picks
(the requirement line other services of the repository use most, in their requirements
files, else in their pyproject.toml dependencies; else the bare name) may not be the one
the service was tested with (another file's line is taken without its `--hash` options
and its environment marker, which a service on another Python would skip). Where the
project declares it only in an
optional extra or a dependency group the image's install leaves out (`pip install .`, and
the extra `server = ["uvicorn[standard]>=0.29"]`; `uv sync --no-dev`, and the `dev` group),
the finding names the extra or the group and the fix takes its line. The line goes to the
requirements file the Dockerfile installs (at its sorted place when the file is sorted),
else to pyproject.toml. Display-only when the service has neither file, or when a line added
there might not reach the image: a builder stage installs the file and the final stage
copies a folder fixer cannot tie to where it installs, the file is installed with
`--no-index` from wheels that are not built from that same file, or with `uv pip sync`
or `pip-sync`, or with `pip install --no-deps`, which install none of the dependencies of
its lines (it is a compiled
lock: the package goes to the file it is compiled from), when the file is the output of
pip-compile or `uv pip compile` (its header says so, or its `# via` comments): the next
compile drops a line added there, so the package goes to the `.in` file its header names,
or when the file pins its lines
with `--hash` (pip-compile `--generate-hashes`, `uv export`): pip then checks every line's
hash and refuses the added one; when a lock file
(`poetry.lock`, `uv.lock`, `pdm.lock`) sits beside the pyproject.toml it would go to, or in
a folder above that locks it as a workspace member (uv's `[tool.uv.workspace]` includes
it, or the lock installs its folder as a local project): a
line added without a new lock makes `poetry install` and `uv sync --locked` refuse the
project, so the tool that writes the lock adds it; and when fixer cannot add the line to
pyproject.toml so that the file stays valid TOML that declares the package.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from functools import partial

from fixer.core.derived import Memo
from fixer.core.edits import Edit, TextEdit
from fixer.core.textfile import TextFile
from fixer.facts.pydeps.dependency_sources import Declared, declared
from fixer.facts.pydeps.pyproject_deps import optional_declaring, requirement_lines
from fixer.facts.pydeps.pyproject_edit import Insertion, pep621_insertion, poetry_insertion
from fixer.facts.pydeps.requirements import (
    add_to_requirements,
    parse_requirement,
    requirements_lines,
)
from fixer.facts.pydeps.server_needs import Need, installs_at_start, needs
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace

CODE = "S003"
NAME = "missing-server-dependency"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.ERROR
APP_ONLY = True   # the server an app service's command runs
# Its findings stop the service at start-up: a fix that waits for it to be healthy is held.
STOPS_START = True
SAFETY = (Safety.UNSAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[tuple[str, str]] = set()
    for service in app_services(ws):
        for need, found, path, line in _missing(ws, service):
            if (path, need.name) in seen:
                continue
            seen.add((path, need.name))
            yield _report(ws, service, need, found, path, line)


def _missing(ws: Workspace, service: BuiltService) -> list[tuple[Need, Declared, str, int]]:
    app = service.app
    wanted = needs(ws, service)
    if not wanted:
        return []
    found = declared(ws, app.build.context, app.dockerfile, app.stage, app.args)
    if found.unknown is not None or installs_at_start(service) is not None:
        return []   # the image, or the start, installs packages fixer cannot name
    region = app.listen.region
    path = region.path if region else app.dockerfile.path
    file = ws.read(path)
    line = _line_of(file, region.start) if region and file else 1
    return [(n, found, path, line) for n in wanted if not found.may_provide(n.name)]


def _line_of(file: TextFile, offset: int) -> int:
    """`file.line_of(offset)` from the line starts kept with the file (`Location.of_text`):
    counted from the top for each service's `command:` in one compose file, it would grow
    with the square of the file's size."""
    return Location.of_text(file, offset, offset).line or 1   # never None: a line of text


def _target(found: Declared) -> tuple[str | None, str | None]:
    """The file to add the requirement to, or None and why there is none."""
    candidates = list(found.requirement_files)
    if found.pyproject and found.pyproject_table:
        candidates.append(found.pyproject)
    # only the files the image installs, where it installs some: the build context's
    # requirements.txt counts as declared even where no command installs it, and a line
    # there would not reach the image
    installed = [path for path in candidates if path in found.locations]
    candidates = installed or candidates
    for path in candidates:
        if path not in found.blocked:
            return path, None
    if candidates:
        return None, found.blocked[candidates[0]]
    return None, None


def _report(ws: Workspace, service: Service, need: Need, found: Declared, path: str,
            line: int) -> Violation:
    target, blocked = _target(found)
    sources = found.requirement_files + ([found.pyproject] if found.pyproject else [])
    listed = ", ".join(sources) or "no requirements.txt or pyproject.toml"
    message = f"{need.why}, but {need.name} is not declared ({listed})"
    extra = _left_out(ws, found, need)
    if extra is not None:
        message = (f"{need.why}, but {need.name} is declared only in {extra[0]} of "
                   f"{found.pyproject}, which the image does not install")
    fix, reason = _fix(ws, service, need, extra, found, target, blocked)
    # built once, with its fix or its reason: no `dataclasses.replace` per finding
    return Violation(message=message, path=path, line=line, service=service.name,
                     subject=f"requirement:{need.name}", fix=fix, reason=reason)


def _fix(ws: Workspace, service: Service, need: Need, extra: tuple[str, str] | None,
         found: Declared, target: str | None, blocked: str | None) -> tuple[Fix | None, str]:
    """The finding's fix and why it is unsafe, or None and why there is none."""
    if target is None:
        context = service.app.build.context if service.app else ""
        return None, blocked or f"the build context {context or '.'} has no requirements " \
            "file or pyproject.toml dependencies to add it to"
    if target.endswith(".toml") and _toml_insertion(ws, need, extra, found, target) is None:
        return None, (f"fixer cannot add {need.name} to the dependencies of {target} so that "
                      "the file stays TOML that declares it")
    return (Fix(f"Add {need.add} to {target}", Safety.UNSAFE,
                partial(_declared, ws, need, extra, found, target)),
            "a new dependency changes what the image installs, and its version may not be the "
            "one the service was tested with")


def _left_out(ws: Workspace, found: Declared, need: Need) -> tuple[str, str] | None:
    """The optional extra or dependency group of the service's pyproject.toml that declares
    the package, which the image's install leaves out (`pip install .`, not `.[server]`;
    `uv sync --no-dev`), named for the message, and its line there: the fix adds that
    line, the version its authors chose."""
    file = ws.read(found.pyproject) if found.pyproject else None
    return optional_declaring(file.text, need.name) if file is not None else None


def _declared(ws: Workspace, need: Need, extra: tuple[str, str] | None, found: Declared,
              target: str) -> list[Edit]:
    if target.endswith(".toml"):
        insertion = _toml_insertion(ws, need, extra, found, target)
        return [TextEdit(target, *insertion)] if insertion is not None else []
    file = ws.read(target)
    line = extra[1] if extra is not None else _house_style(ws, need)
    return [add_to_requirements(file, line)] if file is not None else []


def _toml_insertion(ws: Workspace, need: Need, extra: tuple[str, str] | None,
                    found: Declared, target: str) -> Insertion | None:
    """What the fix writes into the pyproject.toml, judged in detect (the file must stay
    TOML that declares the package) and wrapped in an edit when the fix is built."""
    file = ws.read(target)
    if file is None:
        return None
    line = extra[1] if extra is not None else _house_style(ws, need)
    return pep621_insertion(file, line) if found.pyproject_table == "pep621" else \
        poetry_insertion(file, *_poetry_parts(line))


def _house_style(ws: Workspace, need: Need) -> str:
    """The requirement line other services of the repository use for it most, without its
    environment marker, else `need.add`."""
    parsed = parse_requirement(need.add)
    lines = ws.derived.get(_LINES, partial(_repository_lines, ws))
    found = lines.get(parsed[0] if parsed else need.add)
    return found.most_common(1)[0][0] if found else need.add


# every finding asks: the repository's files are read once a round
_LINES: Memo[dict[str, Counter[str]]] = Memo("requirement lines of the repository")


def _repository_lines(ws: Workspace) -> dict[str, Counter[str]]:
    """How often each requirement line is declared, by project: requirements files' lines
    as written first, then (the first on a tie) pyproject.toml dependencies (Poetry's
    constraints turned into PEP 440)."""
    found: dict[str, Counter[str]] = {}
    paths = sorted(ws.tree.paths())
    for path in [p for p in paths if not p.endswith(".toml")] + \
            [p for p in paths if p.endswith(".toml")]:
        for line in _lines_of(ws, path):
            parsed = parse_requirement(line)
            if parsed is not None:
                found.setdefault(parsed[0], Counter())[_spec(line)] += 1
    return found


def _lines_of(ws: Workspace, path: str) -> list[str]:
    """The requirement lines a requirements file or a pyproject.toml declares."""
    name = posixpath.basename(path)
    if name == "pyproject.toml" or (name.endswith(".txt") and "requirements" in name):
        file = ws.read(path)
        if file is None:
            return []
        if name == "pyproject.toml":
            return requirement_lines(file.text)
        return [e.text for e in requirements_lines(file.text)[0]]
    return []


def _spec(line: str) -> str:
    """A requirement line without its options, its continuation backslash and its
    environment marker: `uvicorn==0.29.0` of a line another file pins with
    `--hash=sha256:...`, or limits to `python_version >= "3.11"`, which a service on
    another Python would skip (a marker after a URL follows a blank)."""
    line = re.sub(r"\s+--\S.*$", "", line).rstrip(" \t\\")
    return re.sub(r"\s+;.*$" if "@" in line else r"\s*;.*$", "", line)


def _poetry_parts(line: str) -> tuple[str, list[str]]:
    match = re.match(r"([A-Za-z0-9._-]+)(?:\[([^\]]*)\])?", line)
    assert match is not None
    extras = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
    return match.group(1), extras

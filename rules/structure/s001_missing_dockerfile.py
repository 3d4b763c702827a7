"""A compose service builds a context that has no Dockerfile.

## What it does
Checks that the Dockerfile a `build:` names (`build.dockerfile`, default `Dockerfile`,
relative to `build.context`) exists, matched case-sensitively as a Linux build matches
it. When the name is `Dockerfile` (compose's default, or `dockerfile: Dockerfile` written
out), the builders' own fallback applies: a folder with no `Dockerfile` but a lowercase
`dockerfile` builds from that file (BuildKit, buildx and the classic builder all try it),
so it is the service's Dockerfile, every rule reads it, and it is no finding. Any other
name in `build.dockerfile` (`DockerFile`, `Dockerfile.prod`) is matched exactly. Services
using `dockerfile_inline` or a remote context are left alone. `build:` merges over the
stack's files as Compose merges it: an overlay such as `ci/docker-compose.ci.yml` that
only sets `cache_from` keeps the base's context, and paths in an overlay resolve from
its base file's folder, as `docker compose -f` resolves them. Where a `-f` overlay sets a
service's `build:` and Compose also runs the base without it (a default name such as
`docker-compose.yml`, which `docker compose up` loads with no overlay, or a build script's
`docker compose -f` that names the base and no overlay), the base's own build is judged
too, at its `dockerfile:` line: whatever the overlay builds, that run builds the base's
Dockerfile. A `dockerfile:` that names a folder (`dockerfile: .`, the context itself) is
reported as one, with the `Dockerfile` that folder holds to name instead. An absolute
context (`context: /home/dev/demo/app`, as `docker compose config` prints it) is a folder
of one machine, which Compose accepts and no checkout has: reported (display-only), and no
error in the input that would hold back the other fixes. When one file
differs from the name only in case, the service's other rules read that file: their findings are
reported beside this one, not after its fix.

## Why is this bad?
`docker compose build` fails with "failed to read dockerfile: open ...: no such file or
directory". A name that differs from the file's only in case works on macOS and Windows
checkouts, which ignore case, and breaks in CI on Linux.

## Example
```yaml
services:
  api:
    build: ./api        # api/ holds `DockerFile`, not `Dockerfile`
```

## Use instead
```yaml
services:
  api:
    build:
      context: ./api
      dockerfile: DockerFile
```

## Fix safety
Safe when one file in the context differs from the expected name only in case: the
compose reference is corrected to it (the `dockerfile:` value, or a `build:` string
turned into `context:` plus `dockerfile:`). Unsafe otherwise: a standard FastAPI
Dockerfile is written (the repository's python slim base, on the Python the context's
`requires-python` or `.python-version` asks for where that is newer, requirements installed,
`uvicorn` in exec form on the container port compose expects, the app module found at
`app/main.py`, `main.py` or `src/main.py`): it may not be how the service was meant to
be built; its WORKDIR is the service's `working_dir:`, else where compose bind-mounts the
build context (`- ./:/code`, which `--reload` watches), else /app, and where the context
has no `.dockerignore` while git ignores a `.env` there, the reason says its `COPY . .`
would put that file into the image. The rules that read built services then see the
service for the first time: what they find in files the fix does not write (no health
route, a healthcheck to add) was there before, and is reported after it, to fix in turn
or by hand, not taken for a finding the fix introduces. Where several services build the
same missing Dockerfile, one fix writes it, for
the service whose compose `command:` starts a server (else one compose reaches on a
port): its port is the file's; the other services' findings name that fix and are settled
by it (a Celery worker's own command runs on the image either way). Where every one of
them runs a command of its own that starts no server fixer knows (`celery ... worker`,
`celery ... flower --port=5555`), the file's CMD runs for none: it gets uvicorn's 8000, not
a port one of them publishes. Display-only when a
path is written with `\\` (a Windows separator, which Compose on Linux reads as part of a
name), when the context folder does not exist,
several files match in case, the reference is interpolated or reached through a YAML
alias, there is no app module (the reason names a `package.json`, `go.mod` or other
manifest of another language at the context's root), the module builds no FastAPI app (no
`FastAPI(...)`, no `fastapi` import: Flask, Streamlit), the service's compose `command:`
is arguments only (`command: ["--reload"]`, for an ENTRYPOINT the missing file had: a
stock CMD would be replaced by them and start nothing) or runs a project runner (`uv run`,
`poetry run`: the stock image installs with pip and has none), the context has no
requirements.txt or pyproject.toml while the app imports packages a stock install of
fastapi and uvicorn leaves out (`sqlalchemy`: the app would stop at start-up), its
requirements.txt installs a package pip builds from source (`psycopg2`, `mysqlclient`: no
Linux wheel, and the slim image has no compiler nor headers), its pyproject.toml (with no
requirements.txt) says the project is no package (`[tool.uv]` `package = false`: the stock
`pip install .` would not build), or a
Dockerfile sits in a folder of
the context
(`app/Dockerfile`, or Podman's `Containerfile`, which Docker's builders do not look for),
or variants sit beside it (`Dockerfile-dev` and `Dockerfile-prod`: the reason names them
all, none as the one):
the author's recipe exists, only not where compose looks, and a stock
file beside it would replace it (D001 would then delete theirs as a stray copy); so does a
Dockerfile a build script or CI file builds the context from (`context: services/api` with
`file: docker/api/Dockerfile`), and so does another compose file of the repository that
builds the same service and context from a Dockerfile that exists (a CI overlay run with
`-f docker-compose.yml -f docker-compose.ci.yml`): the reason names it and the
`dockerfile:` to write (or, where the context holds several variants beside it, all of
them: the dev file's `dev.Dockerfile` is no answer for the prod file). Also
display-only where `.gitignore` ignores the Dockerfile's path. Where
every Dockerfile of the context is one another service builds (one context for all, each
service's Dockerfile in its folder), the reason says none is the service's own, and where
the folder of the Dockerfile is not in the repository at all, that the service's code is
not there to build. The same
when the Dockerfile compose names (a name of its own, `Dockerfile.test`, not a bare
`Dockerfile`, which above the context is most often another service's) exists from a
folder above the context: a relative `context:` with one `..` too few; the reason says
how many levels off the context looks and names the file. No
finding when the context or the Dockerfile name reads a variable with no default that no `.env` sets
(`Dockerfile.${APP_ENV:?}`): which file is built is each deployment's; and none when
the Dockerfile exists resolved from a `--project-directory` the repository's scripts
run Compose with (a Makefile's `docker compose --project-directory . -f infra/...`; a
script below the root whose `-f` paths name compose files from the root, which it is
run from; or a command of a Markdown guide at the repository's root, run from there), or
from the folder of a compose file above the file's own, which Compose uses when the file
is loaded after it with `-f` (`-f docker-compose.yml -f ci/docker-compose.ci.yml`).
No finding either for a service with `extends:`: Compose merges its `build:` over the
extended service's (`build: {target: dev}` keeps that service's context), and fixer does
not follow `extends:`; nor for a context inside a git submodule a `.gitmodules` declares
(a clone without `git submodule update --init` has no files there); nor when the
Dockerfile exists through a symbolic link to a folder inside the repository (`orders-api
-> services/orders-api` as the context), which Docker builds through; nor when a link that
leads out of the repository is on the way (fixer does not follow it, and cannot tell);
nor when the Dockerfile lies in a template's folder fixer does not read
(`{{cookiecutter.project_slug}}/`), which a compose file outside it may build as written.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from fixer.core import tree_index
from fixer.core.edits import CreateFile, Edit
from fixer.core.envfile import unset_names
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import skipped_folder
from fixer.core.wording import names
from fixer.facts.builds.elsewhere import project_folder_holding
from fixer.facts.image.baserun import run_alone
from fixer.facts.pydeps.requirements import read_requirements_file
from fixer.facts.image.builttags import ScriptBuild, script_builds
from fixer.facts.image.compose_build import plan_reference
from fixer.facts.health.pythonfloor import declared_floor
from fixer.facts.ports.claims import container_ports
from fixer.model.committed import not_committed
from fixer.model.listen import as_run
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.services import Build, Service, bind_mounts, case_variants, locate_build
from fixer.model.workspace import Workspace
from fixer.sources.compose import get, scalar
from fixer.sources.launch import PROJECT_RUNNERS, find_launch
from fixer.sources.python_modules import Modules

from .dockerfile_template import AppTarget, find_app, fleet_base, for_python, render

# Dockerfile, Dockerfile.prod, api.Dockerfile, AuthDockerfile, dockerfile (any case), and
# Podman's `Containerfile` (Docker's builders look for `Dockerfile` only)
_DOCKERFILE_NAME = lazy_compile(r"(?i)[\w.-]*(?:dockerfile|containerfile)(?:[._-][\w.-]+)?")

CODE = "S001"
NAME = "missing-dockerfile"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.ERROR
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Violation]:
    missing = list(_missing(ws))
    sharing: dict[tuple[str, str], list[Service]] = {}
    for service, build in missing:
        sharing.setdefault((build.context, build.dockerfile), []).append(service)
    for service, build in missing:
        yield _report(ws, service, build, _writer(sharing[(build.context, build.dockerfile)]))


def _arguments_only(service: Service) -> str | None:
    """The service's compose `command:` as written where it starts with an option
    (`command: ["--reload"]`): arguments for an ENTRYPOINT, no program of its own."""
    found = service.command()
    words = found[2] if found is not None else None
    return " ".join(words) if words and words[0].startswith("-") else None


# a project runner after a shell operator or at the start: `uv run uvicorn ...`, `bash -lc
# "poetry run alembic upgrade head && ..."`, `/root/.local/bin/uv run ...`
_RUNNER_WORD = lazy_compile(r"(?:^|[\s;&|(])(?:[\w./$-]*/)?(" + "|".join(PROJECT_RUNNERS) +
                            r")\s+run\b")


def _runner_in_command(service: Service) -> str | None:
    """The project runner (`uv`, `poetry`, ...) the service's compose `command:` runs: a
    stock Dockerfile's image installs with pip and has none of them."""
    found = service.command()
    matched = _RUNNER_WORD.search(" ".join(found[2])) if found is not None else None
    return matched.group(1) if matched else None


def _writer(services: list[Service]) -> Service:
    """The service whose S001 fix writes a Dockerfile several services build: the one whose
    compose `command:` starts a server (the others run a worker's command on the same
    image), else one that runs the file's CMD (no `command:`) that compose reaches on a
    port, else one that runs it, else the first. The file's CMD and EXPOSE are written for
    it."""
    runs_cmd = [s for s in services if s.get("command") is None]
    return next((s for s in services if _serves(s)), None) or \
        next((s for s in runs_cmd if container_ports(s)), None) or \
        (runs_cmd[0] if runs_cmd else services[0])


def _serves(service: Service) -> bool:
    """The service's compose `command:` starts a server fixer knows (`uvicorn ...`)."""
    found = service.command()
    return found is not None and find_launch(as_run(found[1], found[2])) is not None


def _runs_the_file(service: Service) -> bool:
    """The service runs the CMD the written file gives it, or a server of its own."""
    return service.get("command") is None or _serves(service)


def _missing(ws: Workspace) -> Iterator[tuple[Service, Build]]:
    for service in ws.services():
        if service.app is not None:
            if service.app.name_case_differs:  # read from the file that differs in case
                yield service, service.app.build
        elif service.get("extends") is None:
            # with `extends:`, the build merges over the extended service's, which fixer
            # does not read
            build = _build_of(ws, service)
            if build is not None and _absent(ws, service, build):
                yield service, build
        yield from _missing_alone(ws, service)


def _build_of(ws: Workspace, service: Service) -> Build | None:
    try:
        build = locate_build(ws.tree, service)
    except InputError:
        return None   # the workspace reports it
    if build is None or get(build.node, "dockerfile_inline") is not None:
        return None
    return build


def _absent(ws: Workspace, service: Service, build: Build) -> bool:
    """The build's Dockerfile is not in the repository, nor where Compose may read it from
    (a project directory the scripts give, a submodule, a template's folder, a link); with
    a link out of the repository on the way, fixer cannot tell and says nothing."""
    return not ws.tree.exists(build.dockerfile) and not _unset_in_path(service, build) \
        and project_folder_holding(ws, build) is None and \
        not _in_submodule(ws, build.dockerfile) and \
        not _in_unread_folder(build.dockerfile) and \
        not ws.tree.exists(ws.tree.through_links(build.dockerfile)) and \
        _no_link_may_hold(ws, ws.tree.through_links(build.dockerfile))


def _no_link_may_hold(ws: Workspace, path: str) -> bool:
    """No link on the way may hold the file: none, or the path is a link itself that the
    listing has no file for (dangling, `Dockerfile -> ../gone/Dockerfile`: Docker finds no
    file there either)."""
    found = ws.tree.link_on(path)
    return found is None or found[0] == path


def _missing_alone(ws: Workspace, service: Service) -> Iterator[tuple[Service, Build]]:
    """The service's build as its stack's base file runs it alone, where that Dockerfile
    is missing and is not the one the merged stack builds (that one is judged above)."""
    alone = run_alone(ws, service)
    if alone is None or alone.get("extends") is not None:
        return
    build = _build_of(ws, alone)
    if build is None or not _absent(ws, alone, build):
        return
    merged = service.app.build if service.app is not None else _build_of(ws, service)
    if merged is None or merged.dockerfile != build.dockerfile:
        yield alone, build


def _in_unread_folder(path: str) -> bool:
    """The Dockerfile lies in a folder fixer does not read (`{{cookiecutter.project_slug}}/`,
    a template's folder, which a compose file outside it may build as written): fixer
    cannot tell whether the file is there, so it says nothing."""
    return skipped_folder(path) is not None


# `path = services/auth` in `.gitmodules`
_SUBMODULE_PATH = lazy_compile(r"^\s*path\s*=\s*(.+?)\s*$", re.M)


def _in_submodule(ws: Workspace, path: str) -> bool:
    """The Dockerfile is inside a git submodule a `.gitmodules` above it declares: a clone
    without `git submodule update --init` has an empty folder there, and the file comes
    with it."""
    if path.startswith("/"):   # an absolute path: no file of the repository
        return False
    folder = posixpath.dirname(path)
    while True:
        file = ws.read(posixpath.join(folder, ".gitmodules"))
        if file is not None and any(
                path.startswith(posixpath.join(folder, m.group(1).strip("\"'")).rstrip("/") + "/")
                for m in _SUBMODULE_PATH.finditer(file.text)):
            return True
        if not folder:
            return False
        folder = posixpath.dirname(folder)


def _unset_in_path(service: Service, build: Build) -> bool:
    """The context or Dockerfile reads a variable with no default that no `.env` sets
    (`dockerfile: Dockerfile.${APP_ENV:?}`): each deployment gives it, so which file is
    built is unknown here, and no file is missing."""
    written = [scalar(build.node), scalar(get(build.node, "context")),
               scalar(get(build.node, "dockerfile"))]
    return any(unset_names(text, service.stack.dotenv) for text in written if text)


def _rooted_typo(ws: Workspace, build: Build, written: str) -> str | None:
    """The context's file an absolute `dockerfile:` names once its leading `/` goes
    (`/dev/Dockerfile` for `dev/Dockerfile`): a typo more likely than a file on the host."""
    if not written.startswith("/") or written != scalar(get(build.node, "dockerfile")):
        return None
    path = posixpath.normpath(posixpath.join(build.context, written.lstrip("/")))
    return path if ws.tree.exists(path) else None


def _names_a_folder(ws: Workspace, build: Build) -> bool:
    """`dockerfile: .` (or `./`, or any folder of the repository): a path that names a
    folder, which the build cannot read as its Dockerfile."""
    return build.dockerfile in ("", ".", build.context) or \
        _context_exists(ws, replace(build, context=build.dockerfile))


def _folder_named_as_dockerfile(ws: Workspace, service: Service, build: Build,
                                base: Violation, written: str) -> Violation:
    """The finding for a `dockerfile:` that names a folder, with the Dockerfile in that
    folder to name instead where there is one."""
    folder = "" if build.dockerfile == "." else build.dockerfile
    inside = posixpath.join(folder, "Dockerfile")
    shown = f"{folder}/" if folder else "the repository's root"
    hint = f": {inside} is there, write `dockerfile: " \
        f"{posixpath.relpath(inside, build.context or '.')}`" if ws.tree.exists(inside) else ""
    return replace(base, message=f"{service.name}: `dockerfile: {written}` names a folder "
                                 f"({shown}), not a file",
                   reason=f"the build reads its Dockerfile from the file `build.dockerfile` "
                          f"names, and {shown} is a folder{hint}")


def _context_exists(ws: Workspace, build: Build) -> bool:
    prefix = build.context + "/"
    return not build.context or any(p.startswith(prefix) for p in ws.tree.paths())


def _missing_context_hint(ws: Workspace, build: Build) -> str:
    """What the missing context may be: one folder whose name differs only in case, else
    the one beside it named after it with a prefix that holds the Dockerfile (`1_orders/`
    for `orders`, the folders numbered since the compose file was written); an absolute
    path, one machine's (a `docker compose config` output committed as it was printed)."""
    if build.context.startswith("/"):
        return ("; it is an absolute path, which only the machine it was written on has: "
                "write it relative to the compose file's folder")
    like = tree_index.folders_like(ws.tree, build.context)
    if len(like) == 1:
        return (f"; {like[0]} differs from it only in case, which a case-insensitive checkout "
                "(macOS, Windows) builds and a Linux build does not find")
    inside = posixpath.relpath(build.dockerfile, build.context)
    renamed = [f for f in tree_index.folders_prefixed(ws.tree, build.context)
               if ws.tree.exists(posixpath.join(f, inside))]
    return (f"; {renamed[0]}/ beside it, named after it with a prefix, holds {inside}: "
            "if the folder was renamed, point `build:` at it") if len(renamed) == 1 else ""


def _report(ws: Workspace, service: Service, build: Build, writer: Service) -> Violation:
    doc = build.doc
    # at the `dockerfile:` value that names the file, else at the build (its context)
    named = get(build.node, "dockerfile")
    at = named.node if named is not None else build.node.node
    # a `# fixer: ignore[S001]` on the build's first line (the `context:` line, where the
    # finding once was) still takes it out
    around = (Location(doc.path, doc.line(build.node.node)),) if at is not build.node.node \
        else ()
    base = Violation(path=doc.path, line=doc.line(at), column=doc.column(at),
                     service=service.name, parts=around,
                     subject=f"dockerfile:{build.dockerfile}",
                     message=f"{service.name}: the build context has no {build.dockerfile}")
    written = scalar(get(build.node, "dockerfile")) or scalar(build.node) or ""
    context = scalar(get(build.node, "context")) or build.context
    if "\\" in written or "\\" in context:
        shown = written if "\\" in written else context
        return replace(base, reason=f"`{shown}` is written with `\\`, a "
                                    "Windows separator: Compose on Linux and macOS reads it as "
                                    "part of a name; write the path with `/`")
    if not _context_exists(ws, build):   # Compose stops at the folder, before any file
        given = get(build.node, "context")   # the finding names it: it goes on its line
        written_at = given.node if given is not None else build.node.node
        return replace(base, line=doc.line(written_at), column=doc.column(written_at),
                       message=f"{service.name}: the build context {build.context} "
                               "does not exist",
                       reason=f"the build context {build.context} does not exist"
                       + _missing_context_hint(ws, build))
    if _names_a_folder(ws, build):
        return _folder_named_as_dockerfile(ws, service, build, base, written)
    rooted = _rooted_typo(ws, build, written)
    if rooted is not None:
        return replace(base, reason=f"`{written}` is an absolute path, which Compose reads "
                                    f"outside the build context; {rooted} is in the context: "
                                    "write it without the leading `/`")
    variants = case_variants(ws.tree, build)
    if len(variants) > 1:
        return replace(base, reason=f"several files differ from it only in case: "
                                    f"{', '.join(variants)}")
    if variants:
        reference, reason = plan_reference(service, build, _relative(build, variants[0]))
        if reference is None:
            return replace(base, reason=reason)
        # The other rules already read that file: their findings on the service are
        # reported beside this one, and the fix reveals nothing new.
        return replace(base, fix=Fix(f"Point compose at {variants[0]} (the name differs "
                                     "in case)", Safety.SAFE, reference.edits))
    off = _context_off(ws, build)
    if off is not None:
        levels, found = off
        return replace(base, reason=f"the build context looks {_levels(levels)} off: the "
                                    "Dockerfile it names exists from "
                                    f"{_folder_named(_up(build.context, levels))} ({found})")
    overlay = _built_in_another_file(ws, service, build)
    if overlay is not None:   # a CI or local file of the stack builds it from the right one
        elsewhere_file, dockerfile = overlay
        written = posixpath.relpath(dockerfile, build.context or ".")
        beside = [path for path in _dockerfiles_below(ws, build)
                  if posixpath.dirname(path) == posixpath.dirname(dockerfile)]
        if len(beside) > 1:   # `dev.Dockerfile` and `prod.Dockerfile`: the dev file's is one
            return replace(base, reason=f"{elsewhere_file} builds {service.name} from "
                                        f"{dockerfile}, and the build context holds "
                                        f"{len(beside)} Dockerfiles ({', '.join(beside[:4])}"
                                        f"{', ...' if len(beside) > 4 else ''}): point "
                                        "`build.dockerfile` at the one this file's "
                                        f"{service.name} is meant to build")
        return replace(base, reason=f"{elsewhere_file} builds {service.name} from {dockerfile}: "
                                    "point "
                                    f"`build.dockerfile` at it (`dockerfile: {written}`)")
    folder = posixpath.dirname(build.dockerfile)
    elsewhere = _dockerfiles_below(ws, build)
    others = _built_by_others(ws, service)
    own = [path for path in elsewhere if path not in others]
    if not own and folder and folder != build.context and \
            not _context_exists(ws, replace(build, context=folder)):
        code = "" if find_app(ws.tree, build.context) is not None else \
            ": the service's code is not there to build"
        return replace(base, reason=f"{folder}/, the folder of its Dockerfile, is not in the "
                                    f"repository{code}")
    if own:
        # The author's recipe is there (its COPY paths expect its own folder as the context):
        # a stock file beside it would replace what they wrote, never a fix to vouch for.
        # The one beside the missing file is the likely one; of several (`Dockerfile-dev`
        # and `Dockerfile-prod` beside it, or others elsewhere), none is.
        near = [path for path in own if posixpath.dirname(path) == folder]
        likely = near or own
        held = likely[0] if len(likely) == 1 else \
            f"{len(likely)} Dockerfiles ({', '.join(likely[:3])}" + \
            (", ..." if len(likely) > 3 else "") + ")"
        return replace(base, reason=f"the build context holds {held}: point `build:` at the "
                                    "Dockerfile the service is meant to build")
    scripted = _scripted_dockerfile(ws, build)
    if scripted is not None:   # CI builds the context with the author's recipe
        written = posixpath.relpath(scripted.dockerfile, build.context or ".")
        return replace(base, reason=f"{scripted.path} builds {build.context or 'the root'} "
                                    f"with {scripted.dockerfile}: point `build.dockerfile` "
                                    f"at it (`dockerfile: {written}`)")
    if elsewhere:   # a context several services share, each with a Dockerfile of its own
        return replace(base, reason=f"the Dockerfiles in the build context are other "
                                    f"services' ({elsewhere[0]} is what "
                                    f"{others[elsewhere[0]]} builds): none is {service.name}'s")
    app = find_app(ws.tree, build.context)
    if app is None:
        other = _other_ecosystem(ws, build)
        return replace(base, reason=f"the build context holds {other}, not a FastAPI service: "
                                    "no stock FastAPI Dockerfile fits it" if other else
                                    "no app/main.py, main.py or src/main.py in the build "
                                    "context to start")
    if not app.fastapi:
        return replace(base, reason=f"{app.path} builds no FastAPI app (no `FastAPI(...)`, "
                                    "no `fastapi` import): a stock FastAPI Dockerfile would "
                                    "not start it")
    extending = _arguments_only(writer)
    if extending is not None:
        return replace(base, reason=f"{writer.name}'s compose `command:` is arguments only "
                                    f"(`{extending}`), which extend the ENTRYPOINT the "
                                    "missing Dockerfile had: a stock file's CMD would be "
                                    "replaced by them and start nothing; write the "
                                    "Dockerfile with that ENTRYPOINT by hand")
    runner = next((r for r in map(_runner_in_command, (service, writer)) if r), None)
    if runner is not None:
        return replace(base, reason=f"its compose `command:` runs `{runner} run`, which a "
                                    "stock Dockerfile's image (pip installs, no "
                                    f"{runner}) does not have: write the Dockerfile that "
                                    f"installs {runner} and the project by hand")
    # the context's, whichever service writes the file: said to each that builds it
    unlisted = [] if _install(ws, build) != "packages" else _uninstalled(ws, build, app)
    if unlisted:
        return replace(base, reason=(
            f"the build context has no requirements.txt or pyproject.toml, and the app imports "
            f"{names([f'`{name}`' for name, _path in unlisted])} ({unlisted[0][1]}), which a "
            "stock Dockerfile (fastapi and uvicorn only) would not install: the app would "
            "stop at start-up"))
    compiled = _built_from_source(ws, build) or _not_a_package(ws, build)
    if compiled is not None:
        return replace(base, reason=compiled)
    if writer is not service:
        whose = ", whose server the file starts, writes it" if _runs_the_file(writer) else \
            " writes it (each service runs a command of its own over it)"
        return replace(base, yields_to=(("S001", writer.name),), reason=(
            f"{writer.name} builds {build.dockerfile} too: the S001 fix of {writer.name}"
            f"{whose}"))
    ignored = not_committed(ws, build.dockerfile)
    if ignored is not None:
        return replace(base, reason=ignored)
    return replace(base, fix=Fix(f"Write a standard FastAPI Dockerfile at {build.dockerfile}",
                                 Safety.UNSAFE, partial(_generate, ws, service, build)),
                   reason="a stock Dockerfile may not be how the service was meant to be built"
                          + _secrets_copied(ws, build), unveils=True)


# files that hold secrets a checkout keeps out of git: `COPY . .` takes them along
_SECRET_FILES = (".env", ".env.local", ".env.production")


def _secrets_copied(ws: Workspace, build: Build) -> str:
    """`; its COPY . . would copy .env ...` where the context has no .dockerignore and the
    repository's git ignore rules keep a secrets file of the context out of git: the file
    is on the developer's disk, and the image would carry it."""
    if ws.tree.exists(posixpath.join(build.context, ".dockerignore")):
        return ""
    paths = [posixpath.join(build.context, name) for name in _SECRET_FILES]
    kept_out = [p for p in paths if p in ws.tree.ignored(paths)]
    if not kept_out:
        return ""
    return (f"; the context has no .dockerignore, so its `COPY . .` would put "
            f"{kept_out[0]}, which git ignores, into the image")


def _built_in_another_file(ws: Workspace, service: Service,
                          build: Build) -> tuple[str, str] | None:
    """(compose file, Dockerfile) where another compose file of the repository (a CI
    overlay, `-f docker-compose.yml -f docker-compose.ci.yml`) builds the same service in
    the same context from a Dockerfile that exists."""
    for path, doc in sorted(ws.compose_docs.items()):
        value = doc.services.get(service.name)
        written = get(value, "build") if path != build.doc.path and value is not None else None
        if written is None or scalar(written) is not None:
            continue
        context = scalar(get(written, "context")) or "."
        name = scalar(get(written, "dockerfile"))
        if name is None or "$" in context + name:
            continue
        folder = posixpath.normpath(posixpath.join(service.stack.folder, context))
        dockerfile = posixpath.normpath(posixpath.join(folder, name))
        if folder == build.context and dockerfile != build.dockerfile and \
                ws.tree.exists(dockerfile):
            return path, dockerfile
    return None


def _scripted_dockerfile(ws: Workspace, build: Build) -> ScriptBuild | None:
    """A build of a script or CI file that builds the same context from a Dockerfile of the
    repository other than the one compose names (`context: services/api` with `file:
    docker/api/Dockerfile`)."""
    return next((b for b in script_builds(ws) if b.context == build.context
                 and b.dockerfile != build.dockerfile and ws.tree.exists(b.dockerfile)), None)


# the manifest of a service in another language
_MANIFESTS = ("package.json", "go.mod", "pom.xml", "build.gradle", "build.gradle.kts",
              "Cargo.toml", "Gemfile", "composer.json", "mix.exs")


def _other_ecosystem(ws: Workspace, build: Build) -> str | None:
    """The manifest of another language at the context's root (`package.json`)."""
    return next((name for name in _MANIFESTS
                 if ws.tree.exists(posixpath.join(build.context, name))), None)


def _built_by_others(ws: Workspace, service: Service) -> dict[str, str]:
    """The Dockerfiles other services build, each with the first of them: path -> name."""
    found: dict[str, str] = {}
    for other in ws.services():
        if other.name == service.name:
            continue
        try:
            build = other.app.build if other.app is not None else locate_build(ws.tree, other)
        except InputError:
            continue
        if build is not None and ws.tree.exists(build.dockerfile):
            found.setdefault(build.dockerfile, other.name)
    return found


def _dockerfiles_below(ws: Workspace, build: Build) -> list[str]:
    """Dockerfiles in the build context (`app/Dockerfile`, `docker/api.Dockerfile`,
    `AuthDockerfile`): the service has a recipe, only not where compose looks."""
    return [path for path in tree_index.files_under(ws.tree, build.context)
            if _DOCKERFILE_NAME.fullmatch(posixpath.basename(path))]


def _context_off(ws: Workspace, build: Build) -> tuple[int, str] | None:
    """How many folders up from the context the Dockerfile compose names exists, and
    where: a relative `context:` with one `..` too few (`../../..` for `../../../..`).
    Only for a name of its own (`Dockerfile.test`, `docker/Dockerfile`): a bare
    `Dockerfile` in a folder above is most often another service's."""
    name = posixpath.relpath(build.dockerfile, build.context or ".")
    if not build.named or name == "Dockerfile" or name.startswith("../"):
        return None
    for levels in range(1, build.context.count("/") + 2 if build.context else 1):
        found = posixpath.join(_up(build.context, levels), name)
        if ws.tree.exists(found):
            return levels, found
    return None


def _up(folder: str, levels: int) -> str:
    """`folder`'s ancestor `levels` folders up ("" for the repository root)."""
    for _ in range(levels):
        folder = posixpath.dirname(folder)
    return folder


def _levels(count: int) -> str:
    return "one level" if count == 1 else f"{count} levels"


def _folder_named(folder: str) -> str:
    return f"{folder}/" if folder else "the repository root"


def _relative(build: Build, path: str) -> str:
    return path[len(build.context) + 1:] if build.context else path


def _generate(ws: Workspace, service: Service, build: Build) -> list[Edit]:
    app = find_app(ws.tree, build.context)
    assert app is not None
    base = for_python(fleet_base(ws), _python_wanted(ws, build))
    text = render(base, app, _port(service), _install(ws, build), build.doc.file.newline,
                  _workdir(service, build))
    return [CreateFile(build.dockerfile, text)]


# `.python-version`, as pyenv and uv write it: `3.13`, `3.13.1`, `cpython-3.13`
_PINNED = lazy_compile(r"(?:cpython-)?(\d+)\.(\d+)")


def _python_wanted(ws: Workspace, build: Build) -> tuple[int, int] | None:
    """The newest of the oldest Python the context's project says it runs on
    (`requires-python`) and the one its `.python-version` pins: the stock image must run it,
    or `pip install .` refuses the project and its code may not parse."""
    found = [declared_floor(ws.read, build.context)]
    pinned = ws.read(posixpath.join(build.context, ".python-version") if build.context
                     else ".python-version")
    matched = _PINNED.match(pinned.text.strip()) if pinned is not None else None
    found.append((int(matched[1]), int(matched[2])) if matched else None)
    return max((v for v in found if v is not None), default=None)


def _workdir(service: Service, build: Build) -> str:
    """Where the image keeps the code: the service's `working_dir:`, where the command runs;
    else where it bind-mounts the build context (`- ./:/code`, for `--reload` to watch the
    files being edited); else /app."""
    given = service.scalar("working_dir") or ""
    if given.startswith("/") and "$" not in given:
        return given
    context = posixpath.normpath(build.context or ".")
    return next((target for source, target in bind_mounts(service)
                 if source == context and target.startswith("/") and "$" not in target),
                "/app")


# packages PyPI has no Linux wheel of: pip builds them, with a compiler and the C library's
# headers (`pg_config` of libpq-dev) that a slim image lacks
_SOURCE_BUILT = frozenset({"psycopg2", "mysqlclient", "mysql-python", "python-ldap",
                           "pygraphviz", "uwsgi", "cx-oracle"})


def _built_from_source(ws: Workspace, build: Build) -> str | None:
    """Why the stock Dockerfile would not build: on the slim base it writes, its
    requirements.txt installs a package pip compiles (`psycopg2`, not `psycopg2-binary`),
    and the image has no compiler nor the library's headers: `pip install` stops."""
    image = fleet_base(ws)
    path = posixpath.join(build.context, "requirements.txt") if build.context \
        else "requirements.txt"
    file = ws.read(path) if "slim" in image else None
    entries = read_requirements_file(file).entries if file is not None else ()
    compiled = sorted({e.name for e in entries} & _SOURCE_BUILT)
    if not compiled:
        return None
    return (f"{path} installs {names([f'`{name}`' for name in compiled])}, which pip builds "
            f"from source (PyPI has no Linux wheel of it): a stock Dockerfile on {image} has "
            "no compiler nor the library's headers, and its build would stop at `pip install`")


# uv's setting for a project that is no package (`[tool.uv]` `package = false`): its
# dependencies install with `uv sync`, and `pip install .` fails to build it
_NO_PACKAGE = lazy_compile(r"(?ms)^\[tool\.uv\][^\[]*?^[ \t]*package[ \t]*=[ \t]*false\b")


def _not_a_package(ws: Workspace, build: Build) -> str | None:
    """Why the stock Dockerfile's `pip install .` would not build: the context's
    pyproject.toml, which it installs from (no requirements.txt), says the project is no
    package."""
    if _install(ws, build) != "pyproject":
        return None
    path = posixpath.join(build.context, "pyproject.toml") if build.context else \
        "pyproject.toml"
    file = ws.read(path)
    if file is None or not _NO_PACKAGE.search(file.text):
        return None
    return (f"{path} says the project is no package (`[tool.uv]` `package = false`), so the "
            "stock Dockerfile's `pip install .` would not build: write one that installs "
            "its dependencies as the project does (`uv sync`)")


def _install(ws: Workspace, build: Build) -> str:
    """How the stock Dockerfile installs the app's dependencies: from the context's
    requirements.txt, its pyproject.toml, else fastapi and uvicorn alone ("packages")."""
    for name, install in (("requirements.txt", "requirements"), ("pyproject.toml", "pyproject")):
        if ws.tree.exists(posixpath.join(build.context, name) if build.context else name):
            return install
    return "packages"


# what `pip install fastapi "uvicorn[standard]"` makes importable
_STOCK_PACKAGES = frozenset({
    "fastapi", "starlette", "pydantic", "pydantic_core", "typing_extensions",
    "typing_inspection", "annotated_types", "anyio", "sniffio", "idna", "uvicorn", "h11",
    "click", "httptools", "uvloop", "watchfiles", "websockets", "dotenv", "yaml"})


def _uninstalled(ws: Workspace, build: Build, app: AppTarget) -> list[tuple[str, str]]:
    """(top-level name, the first file importing it) of each package the app's modules
    import that is neither the standard library's, the context's own, nor installed with
    fastapi and uvicorn: a stock Dockerfile with no requirements leaves it out."""
    modules = Modules(ws.read, build.context)
    relative = app.path[len(build.context) + 1:] if build.context else app.path
    package = posixpath.dirname(relative).replace("/", ".")
    found: dict[str, str] = {}
    for path in modules.import_path(app.path, package):
        loaded = modules.load(path)
        if loaded is None:
            continue
        for name in Modules.names_imported(*loaded, modules.package_of(path) or ""):
            top = name.split(".")[0]
            if top not in found and top not in sys.stdlib_module_names and \
                    top not in _STOCK_PACKAGES and modules.path_of(top) is None and \
                    not tree_index.is_folder(ws.tree, posixpath.join(build.context, top)):
                found[top] = path
    return sorted(found.items())


def _port(service: Service) -> int:
    """The container port compose expects: the one its healthcheck and peers call, else
    its first `ports`/`expose` target, else uvicorn's default; uvicorn's default too for a
    service whose `command:` runs no server fixer knows (`celery ... flower --port=5555`:
    its port is flower's, not the file's server's)."""
    if not _runs_the_file(service):
        return 8000
    ports = [p for p in container_ports(service) if p.port is not None and not p.udp]
    probed = [p.port for p in ports if p.port is not None and p.kind in ("healthcheck", "peer")]
    published = [p.port for p in ports if p.port is not None and p.kind in ("ports", "expose")]
    for choice in (probed, published):
        if choice:
            return choice[0]
    return 8000

"""A COPY or ADD takes a path that the build context does not hold.

## What it does
Reads the COPY and ADD instructions of the stages a service's build runs (the stage it
builds, the stages it is built FROM, and those it copies from with `--from`), and
reports a source that the build context does not send to the builder: no such file or
folder in the context, or one that its `.dockerignore` drops (a pattern that matches it
or a folder above it: a folder whose files alone the patterns drop, `data/docs/*.pdf`, is
still sent, empty). One finding per instruction and source, naming the services built
from it. Where a `-f` overlay builds a service from another Dockerfile
(`docker-compose.dev.yml` naming `Dockerfile.dev`) and Compose also runs the base file
without it (a default name such as `docker-compose.yml`, as S001 reads it), the base's
Dockerfile is read too: `docker compose up` builds that one.

Left alone: a source that reads a variable or is a glob (which files it takes depends on
the build), a URL or a git repository (ADD fetches it), a heredoc, a COPY from another
stage, image or named context (`--from`), a source outside the context (`../shared`: the
builder refuses it, and S001 and I003 tell the context to use), and a path that git
ignores: a file a build step writes before `docker build` (`dist/`, `target/app.jar`,
a generated `requirements.txt`) is no part of the repository; so is a git submodule's
folder (`.gitmodules`), which a checkout with `--recurse-submodules` fills; so is a `.env`
beside an example file (`.env.example`), which each checkout writes from it before it
builds. Unless the `.dockerignore` drops that path too: then no file written there is
sent, and the build stops all the same.

## Why is this bad?
The build stops before any image exists, with BuildKit's `failed to compute cache key`
naming the missing path as `not found`. `docker compose up --build` fails for every
service built from the file.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app ./app
COPY shared/ ./shared/   # shared/ is beside the service folder, outside its context
```

## Use instead
Build from the folder that holds both (`context: .`, `dockerfile: orders/Dockerfile`,
and `COPY orders/app ./app`), or drop the line.

## Fix safety
Display-only: whether the path moved, belongs in another context, or is written by a
build step, needs a person.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from fixer.core.dockerignore import ContextFiles, context_files
from fixer.core.lazyre import lazy_compile
from fixer.facts.envvars.examples import examples
from fixer.facts.image.baserun import built_alone
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import BuiltService
from fixer.model.submodules import in_submodule
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain

CODE = "D004"
NAME = "missing-copy-source"
CATEGORY = Category.DOCKERFILE
SEVERITY = Severity.ERROR
SAFETY = (Safety.DISPLAY,)

# sources ADD fetches rather than takes from the context
_FETCHED = lazy_compile(r"(?:://|^git@)", re.I)


@dataclass
class _Missing:
    dockerfile: Dockerfile
    instruction: Instruction
    source: str
    dropped: str | None    # the ignore file that drops it, where the context holds it
    context: str
    # what tells it from another COPY of the same source (a fingerprint is code, service,
    # file and subject): its stage, and its place among that stage's copies of it
    where: str = ""
    services: list[str] = field(default_factory=list)


def detect(ws: Workspace) -> Iterator[Violation]:
    found: dict[tuple[str, str, int, str], _Missing] = {}
    # and the build a plain `docker compose up` makes where a `-f` overlay builds another
    for service in [*ws.apps(), *built_alone(ws)]:
        app = service.app
        files = context_files(ws.tree, app.build.context, app.dockerfile.path)
        for stage in _built(app.dockerfile, app.stage):
            copies: dict[str, int] = {}
            for instruction in stage.instructions:
                for source in _sources(app.dockerfile, instruction):
                    copies[source] = copies.get(source, 0) + 1
                    missing_here, dropped = _missing(ws, files, source)
                    if not missing_here:
                        continue
                    key = (app.dockerfile.path, app.build.context, instruction.start, source)
                    where = f" in stage {stage.name or stage.index}" + \
                        (f" ({copies[source]})" if copies[source] > 1 else "")
                    missing = found.setdefault(key, _Missing(
                        app.dockerfile, instruction, source, dropped, app.build.context,
                        where))
                    if service.name not in missing.services:
                        missing.services.append(service.name)
    for missing in found.values():
        yield _violation(missing)


def _violation(missing: _Missing) -> Violation:
    names = missing.services
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    context = f"`{missing.context or '.'}/`"
    why = f"{missing.dropped} drops from the build context {context}" \
        if missing.dropped else f"the build context {context} does not hold"
    ins = missing.instruction
    return Violation(
        message=(f"{ins.cmd} takes `{missing.source}`, which {why}: the build of {who} stops "
                 f"(\"{missing.source.strip('/')}: not found\")"),
        path=missing.dockerfile.path, line=ins.line, service=names[0],
        subject=f"{ins.cmd} {missing.source}{missing.where}",
        reason=("whether the path moved, belongs to another build context or is written by a "
                "build step needs a person"))


def _built(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stages the build of `stage` runs: its chain, and the stages it (or they) copy
    from with `--from`, as BuildKit builds only what the target needs."""
    by_name = {s.name.lower(): s for s in dockerfile.stages if s.name}
    wanted: list[Stage] = []
    pending = [stage]
    while pending:
        for link in chain(dockerfile, pending.pop()):
            if link in wanted:
                continue
            wanted.append(link)
            for ins in link.instructions:
                origin = _flag(ins, "--from")
                named = by_name.get(origin.lower()) if origin else None
                if named is None and origin and origin.isdigit() and \
                        int(origin) < len(dockerfile.stages):
                    named = dockerfile.stages[int(origin)]
                if named is not None and named not in wanted:
                    pending.append(named)
    return wanted


def _sources(dockerfile: Dockerfile, instruction: Instruction) -> list[str]:
    """The context paths a COPY or ADD takes as written; none for what fixer does not
    follow (another stage or context, a heredoc, variables, globs, fetched sources)."""
    if instruction.cmd not in ("COPY", "ADD") or _flag(instruction, "--from") is not None:
        return []
    text = dockerfile.file.text[instruction.start:instruction.end]
    if "<<" in text:
        return []
    return [s for s in instruction.value[:-1]
            if not any(c in s for c in "$*?[") and not _FETCHED.search(s)]


def _missing(ws: Workspace, files: ContextFiles, source: str) -> tuple[bool, str | None]:
    """(missing, the ignore file that drops it): whether the context fails to send the
    source (never where fixer leaves it alone), and the ignore file that drops it where
    the context holds it (None: it holds no such path)."""
    relative = posixpath.normpath(source.lstrip("/") or ".")
    if relative == ".." or relative.startswith("../") or \
            files.has_file(relative) or files.has_folder(relative):
        return False, None
    if files.unfiltered().has_folder(relative) and not files.dropped(relative):
        return False, None   # sent, if empty: the builder leaves out a folder only where a
        # pattern matches it or a folder above (`data/docs/*.pdf` drops the files only)
    full = files.path(relative)
    if _under_link(ws, full) or in_submodule(ws, full):
        return False, None   # reached through a link, or a submodule's, which the
        # documented recursive checkout fills
    if files.ignore is not None and (files.drops_all_of(relative) or files.dropped(relative)):
        # whatever a checkout writes there, it is not sent; the ignore file is the cause
        # of what the repository holds, or a checkout writes (git ignores it), only
        unfiltered = files.unfiltered()
        held = unfiltered.has_file(relative) or unfiltered.has_folder(relative) or \
            bool(ws.tree.ignored([full, full + "/_"]))
        return True, files.ignore.path if held else None
    # a file inside asks about a folder too: git matches `dist/` to folders only
    if ws.tree.ignored([full, full + "/_"]):
        return False, None   # written by a build step or by each checkout
    if posixpath.basename(full) == ".env" and examples(ws, posixpath.dirname(full), set()):
        return False, None   # each checkout writes it from the example beside it
    return True, None


def _under_link(ws: Workspace, path: str) -> bool:
    return ws.tree.link_on(path) is not None


def _flag(ins: Instruction, name: str) -> str | None:
    for flag in ins.flags:
        if flag.startswith(name + "="):
            return flag.split("=", 1)[1]
    return None

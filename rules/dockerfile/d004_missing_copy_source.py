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

from collections.abc import Iterator
from dataclasses import dataclass, field

from fixer.facts.image.baserun import built_alone
from fixer.facts.builds.copysources import MissingSource, missing_sources
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile

CODE = "D004"
NAME = "missing-copy-source"
CATEGORY = Category.DOCKERFILE
SEVERITY = Severity.ERROR
SAFETY = (Safety.DISPLAY,)


@dataclass
class _Missing:
    dockerfile: Dockerfile
    found: MissingSource
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
        for each in missing_sources(ws, service):
            key = (app.dockerfile.path, app.build.context, each.instruction.start, each.source)
            where = f" in stage {each.stage.name or each.stage.index}" + \
                (f" ({each.copy})" if each.copy > 1 else "")
            missing = found.setdefault(key, _Missing(app.dockerfile, each, app.build.context,
                                                     where))
            if service.name not in missing.services:
                missing.services.append(service.name)
    for missing in found.values():
        yield _violation(missing)


def _violation(missing: _Missing) -> Violation:
    names = missing.services
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    ins, source = missing.found.instruction, missing.found.source
    return Violation(
        message=(f"{ins.cmd} takes `{source}`, which {missing.found.why(missing.context)}: "
                 f"the build of {who} stops (\"{source.strip('/')}: not found\")"),
        path=missing.dockerfile.path, line=ins.line, service=names[0],
        subject=f"{ins.cmd} {source}{missing.where}",
        reason=("whether the path moved, belongs to another build context or is written by a "
                "build step needs a person"))

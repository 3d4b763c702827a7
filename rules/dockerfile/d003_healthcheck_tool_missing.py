"""A healthcheck runs curl or wget, and the image it runs in does not have it.

## What it does
Finds the `curl`/`wget` a compose `healthcheck.test` (`CMD`, `CMD-SHELL` or string
form) or the Dockerfile's `HEALTHCHECK` calls, and checks that the final stage of
the built service has it. A service without `build:` that runs the image another service
of its stack builds (`image: tasks-app`, built by a service with `build:` and `image:
tasks-app`) is judged on that build's final stage; not where two services build the tag,
nor for a name a registry may serve instead (`ghcr.io/acme/api:1.2`, `acme/api`, a
variable) or one its `pull_policy: always` pulls: such an image is unknown. Only base
images whose tools fixer knows are judged (the known-images table: full `python` and
`node` images and `nginx:*-alpine` ship curl;
slim images ship neither tool; Alpine's busybox ships `wget`; `-alpine-slim`,
`alpine`, `debian`, `ubuntu`, distroless, Chainguard's `python` and `scratch` lack curl;
so do NVIDIA's `nvidia/cuda` images of an Ubuntu flavour (`-base`, `-runtime`, `-devel`
tags such as `12.1.1-runtime-ubuntu22.04`; their build purges the curl it fetches the
keyring with), which have no Python either, and PyTorch 2's `pytorch/pytorch` `-runtime`
and `-devel` images (Ubuntu, with conda's `python` on the PATH), and RabbitMQ's
official images from 3.7 on (Ubuntu with neither tool, or Alpine with busybox's `wget`;
`rabbitmq:3-management` has no curl); uv's images derived
from these, `ghcr.io/astral-sh/uv:python3.12-bookworm-slim`, are
read as the image they add uv to, and so are `tiangolo/uvicorn-gunicorn(-fastapi)` images,
built on the official Python image of their tag: `-slim` and `-alpine` ones lack curl),
through registry
prefixes, digests, `${VAR:-default}` tags and the compose build args that set them.
Any other image is never reported. A stage built `FROM` an earlier stage inherits
its image and installs; a builder stage's install does not count, nor an apk
`--virtual` group that is deleted again. A copied binary counts. A shell test whose
`||` alternatives include another program (`curl -f URL || python -c "...urlopen(...)"`,
or the python probe first and curl after it) is not reported where the image has that
program: the healthcheck passes through it. Nor is a tool installed only on some builds
(under an `if`, a loop, a test or `||`, which a build argument may switch on): fixer cannot
tell which builds have it. The finding is reported at the final stage's `FROM`; a `# fixer:
ignore[D003]` comment there suppresses it, and so do comments at every healthcheck that runs
the missing tool (alone on the line above the `HEALTHCHECK`, on the compose `test:` line or
alone above it). A comment at one healthcheck of several leaves that one out: of the message,
of the tools to install and of the Python strategy's rewrite.

## Why is this bad?
The probe fails on every run, its tool not found: the container never becomes healthy,
however well the app runs. So every service that waits for it with
`condition: service_healthy` never starts.

## Example
```dockerfile
FROM python:3.12-slim
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
# compose: test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]
```

## Fix safety
Safe. The fix goes into the Dockerfile that builds the image, also where the healthcheck is
that of a service running the image another service builds: the install reaches every
service that runs it, and a tool more in the image changes nothing any of them runs. The
tool is added to the final stage's own `apt-get install`/`apk add` when it
has one that runs on every build (never to an apk `--virtual` group, to an install under
an `if`, a loop, a test or `||`, which a build argument may skip, nor to one whose RUN marks
what it installed for automatic removal with `apt-mark auto`); where the stage has none
and the healthcheck is the HEALTHCHECK of a stage it is built FROM that has one (`base`,
which `development` and `production` are built from), to that one: one edit serves every
stage built from it, not a layer in each; and where a stage it is built FROM copies
the code in (`FROM build AS dev`, `build` copying `src/`; not only `pyproject.toml` or a
lock file), to an install of a stage of that chain that runs before the first copy: a
layer of its own would run again on every change of the code. Else one install layer goes where the
build cache keeps it: after the stage's `FROM` and the `ARG`/`ENV`/`WORKDIR`/`USER
root` lines right after it, so before its first `COPY`/`ADD` and before any switch
to a non-root `USER`; but below the last line that sets up where packages come from
(`sed -i ... /etc/apt/sources.list`, a `COPY` into `/etc/apt/` or `/etc/apk/`), so
that the install goes through the mirror or proxy the build needs. Debian
`--no-install-recommends` with the apt lists removed, Alpine `apk add --no-cache`. The
package is not version-pinned: pinning a Debian package version breaks the build when
the base moves on. The new layer carries
`# hadolint ignore=DL3008` (DL3018 on Alpine), so that the fixed Dockerfile has no hadolint
finding its original did not have, unless the repository's hadolint configuration ignores
that rule already (`ignored: [DL3008]`).
Nothing is installed where compose's build args pick the base image (`PYTHON_IMAGE:
python:3.12-alpine` over the Dockerfile's `ARG PYTHON_IMAGE=python:3.12-slim`), or a build
script sets the argument the base reads (a CI matrix's `build-args: PYTHON_IMAGE=...`,
`--build-arg PYTHON_IMAGE=...`): the file is also built from the other base, where that
install breaks the build; the probe is rewritten as a Python urllib one-liner on a Python
image, else display-only. Display-only where every service built from the stage runs a
queue worker or cron (`celery ... worker`, `rq worker`, `supercronic`), or sets no command
where the base image's own is a shell that ends at once (`FROM ubuntu:24.04` that only
packages a library; not with `tty: true`), and the healthcheck probes the container over
HTTP: it never passes, with the tool or without.
The same where a variable picks the Dockerfile (`dockerfile: docker/py${PY:-312}/Dockerfile`):
an install would reach only the file the project's `.env` or default picks.
The same where compose also names a published image beside `build:` (`image:
ghcr.io/acme/api:latest`, with `pull_policy: always` or the default; not a plain local tag,
nor with `pull_policy: build`): a deployment that pulls the image runs it without the
install until a new one is published, and a urllib probe passes on both.
Nothing is installed on an image of a Debian release whose package archive
is gone (jessie, stretch, buster: `apt-get update` fails there), whether the release
is in the tag (`python:3.10-slim-buster`, `debian:buster-slim`, `debian:10`) or
follows from a python tag built before the official images moved to bullseye in
August 2021 (`python:3.9.4-slim`: 3.9.0-3.9.6, 3.8.0-3.8.11, 3.7.0-3.7.11, any 3.6.x,
and every 3.5 or 2.x tag; an unpinned `python:3.9-slim` is a current image), and
not even into an `apt-get install` the stage already runs (that build already
depends on the archive). There the probe is rewritten to the Python urllib one-liner
when the image has a Python, as `healthcheck-strategy = "python"` does; else the
finding is display-only with that reason. On a release whose support has ended and
whose packages may leave deb.debian.org any day (bullseye, named in the tag:
`python:3.11-slim-bullseye`), a package added to an install the stage runs already
is safe, while a new install layer could stop a build that installs nothing today: the
probe is rewritten to the urllib one-liner there too, or, without a Python or under
`healthcheck-strategy = "install"`, the finding is display-only with that reason. Display-only for distroless and `scratch`
images (no shell, no package manager), when the stage inherits a non-root `USER`
from the stage it is built `FROM` (no install can run there; in these two cases, where the
stage has a Python and the probe is one a urllib probe can take over, the reason names
`healthcheck-strategy = "python"`, which fixes it), and when the build
removes the tool again (`apt-get purge -y curl` after the install, `apk del`): an
install above that step would be undone. A tool so removed counts as absent, whatever
an earlier stage or the base image had. Display-only too when the probe calls no HTTP
URL (`curl -f postgresql://db:5432/app`), and when it sends HEAD to a FastAPI app (`curl
-I`, GNU wget's `--spider`; the wget an install brings on Debian is GNU's): its `@app.get`
routes answer 405, so it fails with the tool installed as well.

## Options
`healthcheck-strategy = "python"` rewrites the healthcheck instead, on images that
have a Python, to a Python urllib probe of the same URL (the image is left as it is;
elsewhere the tool is installed). It is display-only where the probe sends headers
or other options a plain GET cannot reproduce, or where the healthcheck is reached
through a YAML alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from urllib.parse import urlsplit

import yaml

from fixer.core.edits import Edit, TextEdit
from fixer.facts.health.healthchecks import idle_default, nearest_healthcheck, worker_command
from fixer.facts.health.probes import (
    Probe,
    dockerfile_test,
    from_compose_test,
    from_healthcheck,
    head_request,
    python_argv,
)
from fixer.facts.health.rewrite import compose_test_edit, healthcheck_edit
from fixer.facts.image.buildscripts import base_argument_set
from fixer.facts.image.images import (
    UNKNOWN,
    Family,
    base_image,
    family_of,
    tool_status,
    tools_present,
)
from fixer.facts.image.hadolint import pragmas
from fixer.facts.image.tool_install import Placement, install_edits, placement
from fixer.facts.ports.urls import LOCAL_HOSTS
from fixer.model.appservice import is_app_service
from fixer.model.image_builders import image_runners
from fixer.model.optout import commented
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.services import BuiltService, Service, by_stage, published_image
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, Value, get, key_node, scalar, string_list
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain

CODE = "D003"
NAME = "healthcheck-tool-missing"
CATEGORY = Category.DOCKERFILE
SEVERITY = Severity.ERROR
SAFETY = (Safety.SAFE, Safety.DISPLAY)
# Before C004 (100): a healthcheck C004 writes for a service picks a tool the image has, and
# the tool this fix installs for the image's other services is one.
FIX_ORDER = 90


@dataclass
class Use:
    """One healthcheck that runs a tool: in compose (doc, test) or a HEALTHCHECK."""

    probe: Probe
    # where a `# fixer: ignore[D003]` comment takes it out of the finding (Violation.parts):
    # the `test:` line, or the HEALTHCHECK instruction's first
    place: Location
    service: str | None = None
    doc: ComposeDoc | None = None
    test: Value | None = None
    instruction: Instruction | None = None


@dataclass
class Target:
    """A final stage, and the services that build it."""

    dockerfile: Dockerfile
    stage: Stage
    subject: str
    services: list[BuiltService]
    # where a build script sets a build argument that picks the base image (CI building the
    # file on Alpine too): `path:line sets NAME`
    scripted: str | None = None
    # the image-only services that run the image one of `services` builds (`image: tasks-app`
    # beside `build:` with `image: tasks-app`), each with that builder: their healthchecks
    # run in this stage too
    runners: list[tuple[Service, BuiltService]] = field(default_factory=list)

    @property
    def running(self) -> list[Service]:
        """Every service whose container runs this stage: the builders, then the runners."""
        return [*self.services, *(runner for runner, _builder in self.runners)]

    @property
    def args(self) -> Mapping[str, str | None]:
        return self.services[0].build_args()

    # cached: detect, the report and the fix each ask; a Target lives for one detect run,
    # over one Dockerfile and services that do not change
    @cached_property
    def image(self) -> str:
        return base_image(self.dockerfile, self.stage, self.args)

    @cached_property
    def picked_by_args(self) -> bool:
        """Compose's build args choose the base image (`PYTHON_IMAGE: python:3.12-alpine`
        over the Dockerfile's `ARG PYTHON_IMAGE=python:3.12-slim`): the file is also built
        without them (`docker build`, a Makefile), from another base, where an install
        written for this one breaks the build."""
        own = base_image(self.dockerfile, self.stage)
        return self.scripted is not None or any(
            base_image(self.dockerfile, self.stage, s.build_args()) != own for s in self.services)

    @property
    def picked_by(self) -> str:
        """Who picks the base image, for the reason."""
        return f"{self.scripted}, which picks the base image" if self.scripted else \
            "compose's build args pick the base image"

    @cached_property
    def variant(self) -> str | None:
        """Why an install reaches one build of several: compose picks the Dockerfile with a
        variable (`dockerfile: docker/py${PY:-312}/Dockerfile`)."""
        return next((v for s in self.services if (v := s.app.build.variant())), None)

    @cached_property
    def pulled(self) -> str | None:
        """Why an install may not reach the container: compose also names a published image
        beside `build:` (`image: ghcr.io/acme/api:latest`, `pull_policy: always`), which a
        deployment pulls instead of building; a probe the image's Python runs passes on both."""
        image = next((i for s in self.services if (i := published_image(s))), None)
        return None if image is None else (
            f"compose also names the image `{image}`, which a deployment may pull instead of "
            "building: an install reaches only a new build")

    @cached_property
    def family(self) -> Family:
        """The base image's entry; unknown when services pass build args that pick
        different bases."""
        images = {base_image(self.dockerfile, self.stage, s.build_args()) for s in self.services}
        if len(images) > 1:
            return UNKNOWN
        return family_of(self.dockerfile, self.stage, self.args)


def detect(ws: Workspace) -> Iterator[Violation]:
    for target in _targets(ws):
        uses = _without_fallback(target, _uses(target))
        missing = _missing(target, uses)
        if not missing:
            continue
        parts = tuple(u.place for u in uses if u.probe.tool in missing)
        # a healthcheck a comment takes out is left out; with none left, the engine suppresses
        # the finding, reported as it stands
        kept = [u for u in uses if not commented(ws, CODE, u.place.path, u.place.line)]
        if len(kept) < len(uses) and (kept_missing := _missing(target, kept)):
            uses, missing = kept, kept_missing
        yield _report(ws, target, uses, missing, parts)


def _targets(ws: Workspace) -> list[Target]:
    targets = []
    for services in by_stage(ws.apps()).values():
        app = services[0].app
        suffix = f":{app.build.target}" if app.build.target else ""
        subject = f"healthcheck-tool:{app.dockerfile.path}{suffix}"
        runners = [(runner, s) for s in services for runner in image_runners(ws, s)]
        targets.append(Target(app.dockerfile, app.stage, subject, services,
                              base_argument_set(ws, app.dockerfile, app.stage), runners))
    return targets


def _compose_test(service: Service) -> tuple[ComposeDoc, Value, int] | None:
    """The test compose runs: from the last file that sets it, unless disabled; and the line
    of its `test:` key (of the value, when a merge key brings it)."""
    for doc, healthcheck in reversed(service.all("healthcheck")):
        if (scalar(get(healthcheck, "disable")) or "").lower() == "true":
            return None
        test = get(healthcheck, "test")
        if test is not None:
            key = key_node(healthcheck, "test")
            return doc, test, doc.line(key if key is not None else test.node)
    return None


def _uses(target: Target) -> list[Use]:
    uses: list[Use] = []
    for service in target.running:
        found = _compose_test(service)
        probe = from_compose_test(string_list(found[1]) or []) if found else None
        if found is not None and probe is not None:
            doc, test, line = found
            uses.append(Use(probe, Location(doc.path, line), service.name, doc, test))
    instruction = nearest_healthcheck(target.dockerfile, target.stage)
    probe = from_healthcheck(instruction.value, instruction.json) if instruction else None
    if instruction is not None and probe is not None:
        place = Location(target.dockerfile.path, instruction.line)   # an earlier stage's too
        uses.append(Use(probe, place, instruction=instruction))
    return uses


def _without_fallback(target: Target, uses: list[Use]) -> list[Use]:
    """The uses that fail with their tool: not `curl ... || python -c "..."` in an image
    that has python, which passes through the fallback."""
    if not any(u.probe.fallbacks for u in uses):
        return uses
    present = tools_present(target.dockerfile, target.stage, target.args)
    return [u for u in uses if not present & set(u.probe.fallbacks)]


def _missing(target: Target, uses: list[Use]) -> list[str]:
    """The tools the healthchecks run that the stage surely lacks: only an image of the
    known-images table is judged."""
    if not uses or not target.family.known:
        return []
    present = tools_present(target.dockerfile, target.stage, target.args)
    # an install that runs on some builds only (`if [ "$WITH_CURL" = 1 ]`) may bring it
    return sorted(tool for tool in {u.probe.tool for u in uses} - present
                  if tool_status(target.dockerfile, target.stage, tool, target.args) is not None)


def _report(ws: Workspace, target: Target, uses: list[Use], missing: list[str],
            parts: tuple[Location, ...]) -> Violation:
    family = target.family
    twice = _named_twice(target)
    places = sorted({_place(u, twice) for u in uses if u.probe.tool in missing})
    named = target.services[0].app.stage_named
    message = (f"the healthcheck ({', '.join(places)}) runs {' and '.join(missing)}, which the "
               f"{named} ({target.image}, {family.label}) does not have" +
               _replaced_in_compose(target, places) + _runners_named(target, uses, missing))
    causes = _causes(target, uses, missing)
    failing = [u for u in uses if u.probe.tool in missing]
    title, reason = _choice(ws, target, failing, missing)
    reason = _not_http(failing) or _sends_head(ws, target, failing) or reason
    # built once, with its fix or its reason: no `dataclasses.replace` per finding
    fix = Fix(title, Safety.SAFE, partial(_edits, ws, target, uses, missing)) \
        if reason is None else None
    return Violation(message=message, path=target.dockerfile.path,
                     line=target.stage.instructions[0].line, service=target.services[0].name,
                     subject=target.subject, causes=causes, fix=fix, reason=reason,
                     parts=parts)


def _place(use: Use, twice: frozenset[str]) -> str:
    """`service api`, or `HEALTHCHECK`; with its compose file where services of two stacks
    run the image under that name (`service api in api/docker-compose.yml:19`): the other
    may have no healthcheck at all."""
    if not use.service:
        return "HEALTHCHECK"
    where = f" in {use.place.path}:{use.place.line}" if use.service in twice else ""
    return f"service {use.service}{where}"


def _named_twice(target: Target) -> frozenset[str]:
    """The names of more than one of the services that run the image."""
    seen: set[str] = set()
    twice: set[str] = set()
    for service in target.running:
        (twice if service.name in seen else seen).add(service.name)
    return frozenset(twice)


def _replaced_in_compose(target: Target, places: list[str]) -> str:
    """What the message adds when only the image's HEALTHCHECK fails and compose gives every
    service that builds it a healthcheck of its own: the stack runs those; the image's fails
    where it runs alone (`docker run`, another orchestrator)."""
    if places != ["HEALTHCHECK"] or any(_compose_test(s) is None for s in target.running):
        return ""
    names = ", ".join(s.name for s in target.running)
    return (f"; compose's healthcheck replaces it for {names}, so it fails where the image "
            "runs without compose")


def _runners_named(target: Target, uses: list[Use], missing: list[str]) -> str:
    """What the message adds when a failing healthcheck is an image-only service's: the
    image it runs, and the service that builds it, whose stage this is."""
    failing = {u.service for u in uses if u.probe.tool in missing}
    runners: dict[tuple[str, str], list[str]] = {}   # (image, builder) -> its runners
    for runner, builder in target.runners:
        if runner.name in failing:
            key = (runner.scalar("image") or "", builder.name)
            runners.setdefault(key, []).append(runner.name)
    return "".join(f"; {' and '.join(sorted(names))} {'runs' if len(names) == 1 else 'run'} "
                   f"the image {image} that {builder} builds"
                   for (image, builder), names in runners.items())


def _not_http(uses: list[Use]) -> str | None:
    """Why the tool would not make the healthcheck pass: it calls a URL that is no HTTP
    one (`curl -f postgresql://db:5432/app`), which fails with the tool installed too."""
    for use in uses:
        url = use.probe.url or ""
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", url)
        if scheme is not None and scheme.group(1).lower() not in ("http", "https"):
            shown = re.sub(r"//[^/@]*@", "//", url)[:60]   # no credentials in a report
            return (f"the healthcheck's {use.probe.tool} calls `{shown}`, no HTTP URL: "
                    f"with {use.probe.tool} installed it fails as well")
    return None


def _sends_head(ws: Workspace, target: Target, uses: list[Use]) -> str | None:
    """Why the tool would not make the healthcheck pass: it sends HEAD (`curl -I`, GNU
    wget's `--spider`; the wget an install brings is GNU's on Debian and BusyBox's stays on
    Alpine), which the FastAPI app answers 405 on its `@app.get` routes."""
    if not any(is_app_service(ws, s) for s in target.services):
        return None   # a FastAPI app's routes; what another server answers is not judged
    busybox = target.family.manager == "apk"
    # a service running the app's image with a command of its own serves something else
    # (`celery ... flower`), whose answer to HEAD is not judged
    others = {runner.name for runner, _builder in target.runners
              if runner.get("command") is not None or runner.get("entrypoint") is not None}
    for use in (u for u in uses if u.service not in others):
        test = string_list(use.test) if use.test is not None else \
            dockerfile_test(use.instruction.value, use.instruction.json) \
            if use.instruction is not None else None
        head = head_request(test or [], busybox)
        if head is not None:
            return (f"the healthcheck's `{head}` sends HEAD, which FastAPI answers 405 on a "
                    f"route added with `@app.get`: with {use.probe.tool} installed it fails as "
                    "well")
    return None


def _causes(target: Target, uses: list[Use], missing: list[str]) -> tuple[Location, ...]:
    """Besides the FROM line (the finding's own: the base image decides the tools), the
    healthchecks that run a missing tool, and the final stage's RUN lines that install
    tools (or no longer do)."""
    path = target.dockerfile.path
    found = [Location(path, i.line, i.end_line) for i in target.stage.instructions
             if i.cmd == "RUN"]
    for use in uses:
        if use.probe.tool not in missing:
            continue
        if use.doc is not None and use.test is not None:
            found.append(Location.of_node(use.doc, use.test.node))
        elif use.instruction is not None:
            found.append(Location(path, use.instruction.line, use.instruction.end_line))
    return tuple(found)


# the container itself, as `urlsplit` names a probe's host (`[::1]` without brackets)
_LOCAL = frozenset(host.strip("[]") for host in LOCAL_HOSTS)


def _choice(ws: Workspace, target: Target, failing: list[Use],
            missing: list[str]) -> tuple[str, str | None]:
    """The fix's title, and why there is no fix (None when there is one)."""
    workers = [(s.name, w) for s in target.running if (w := worker_command(ws, s))]
    local = all(use.probe.url and urlsplit(use.probe.url).hostname in _LOCAL for use in failing)
    if local and workers and len(workers) == len(target.running):   # a copied app probe
        name, worker = workers[0]
        return "", (f"{name} runs `{worker}`, which serves no HTTP: its healthcheck never "
                    "passes, with the tool or without; the healthcheck is what to fix")
    idle = [(s.name, d) for s in target.running if (d := idle_default(ws, s))]
    if local and idle and len(idle) == len(target.running):   # an image that runs nothing
        name, default = idle[0]
        return "", (f"{name} sets no command, and the base image's own (`{default}`) ends "
                    "at once: its healthcheck never passes, with the tool or without")
    plan = _install(target, missing, failing)
    if _python(ws, target, plan) is None:
        if target.picked_by_args:
            return "", (f"{target.picked_by} ({target.image} here), which the Dockerfile's "
                        "own default may differ from: fixer installs nothing into an image "
                        "chosen at build time")
        if target.variant:
            return "", target.variant
        if target.pulled:
            return "", f"{target.pulled}, and the image has no Python for a urllib probe"
        return (f"Install {' and '.join(missing)} in {_installed_in(target, plan)}",
                _python_instead(target, failing, plan.reason or plan.doubt))
    title = "Rewrite the healthcheck as a Python urllib probe"
    reason = _rewrite_reason(failing) or (_needs_a_shell(failing) if target.family.manager is None
                                          else None)
    if target.picked_by_args:
        return f"{title} ({target.picked_by})", reason
    if target.variant:
        return f"{title} (a variable picks the Dockerfile)", reason
    if target.pulled:
        return f"{title} ({target.pulled})", reason
    if plan.no_packages:
        return f"{title}: {plan.reason}", reason and f"{plan.reason}, and {reason}"
    if plan.doubt is not None and ws.config.healthcheck_strategy != "python":
        return f"{title} (the image's Debian release is past its support)", reason
    return title, reason


def _python(ws: Workspace, target: Target, plan: Placement) -> str | None:
    """The image's Python, when the fix rewrites the probe to run it instead of installing
    a tool: under the Python strategy, wherever nothing can be installed (the image's
    Debian release has lost its package archive) or a new install layer could stop the
    build later (the release's support has ended; not under the install strategy, where the
    install is offered with that doubt), and where compose's build args pick the
    base (an install fits one base only), and where compose also names a published image
    (a deployment may pull it). None where the image has no Python."""
    doubted = plan.doubt is not None and ws.config.healthcheck_strategy != "install"
    if ws.config.healthcheck_strategy == "python" or plan.no_packages or doubted or \
            target.picked_by_args or target.variant or target.pulled:
        return _image_python(target)
    return None


def _image_python(target: Target) -> str | None:
    """The Python command of the final stage: its base image's, or one it installs."""
    installed = "python" in tools_present(target.dockerfile, target.stage, target.args)
    return target.family.python or ("python3" if installed else None)


def _python_instead(target: Target, failing: list[Use], reason: str | None) -> str | None:
    """Why nothing can be installed, and, where the Python strategy's urllib probe would
    take the healthcheck's place (the stage has a Python, the probe is a plain GET that a
    rewrite can reach), the option that writes it: the user need not install anything."""
    rewritable = _rewrite_reason(failing) is None and \
        (target.family.manager is not None or _needs_a_shell(failing) is None)
    if reason is None or not rewritable or _image_python(target) is None:
        return reason
    return (f"{reason}; the stage has a Python, so a urllib probe works here: "
            "`healthcheck-strategy = \"python\"` (`--healthcheck-strategy python`) rewrites "
            "the healthcheck to one")


def _install(target: Target, missing: list[str], uses: list[Use],
             hadolint: frozenset[str] = frozenset()) -> Placement:
    """Where the install goes (judged in detect, rendered by `install_edits` in the fix);
    `hadolint`: the ignore pragmas it carries, which only its edits show (`pragmas`, read
    from every Dockerfile and CI file of the repository, is asked for by the fix alone).
    Where the healthchecks are the HEALTHCHECK of a stage the target is built FROM, which
    installs packages already, and the target installs none of its own, the tool joins
    that install: one edit for every stage built from it (`development` and `production`
    FROM `base`), not a layer in each."""
    family = target.family
    if family.manager is None:
        return Placement(target.dockerfile, "", tuple(missing),
                         reason=f"a {family.label} image has no shell or package manager to "
                                "install a tool with")
    own = placement(target.dockerfile, target.stage, family.manager, missing, target.image,
                    hadolint)
    holder = _healthcheck_stage(target, uses)
    if own.reason is not None or own.install is not None or holder is None:
        return own
    shared = placement(target.dockerfile, holder, family.manager, missing, target.image,
                       hadolint)
    return shared if shared.install is not None else own


def _healthcheck_stage(target: Target, uses: list[Use]) -> Stage | None:
    """The stage the target is built FROM whose HEALTHCHECK every one of the uses is."""
    if not uses or any(use.instruction is None for use in uses):
        return None
    return next((stage for stage in chain(target.dockerfile, target.stage)[1:]
                 if all(use.instruction in stage.instructions for use in uses)), None)


def _installed_in(target: Target, plan: Placement) -> str:
    """Where the title says the install goes: the target's stage, or the stage it is built
    FROM whose install the tool joins."""
    named = target.services[0].app.stage_named
    if plan.install is None or plan.install.instruction in target.stage.instructions:
        return f"the {named}"
    holder = next(s for s in chain(target.dockerfile, target.stage)
                  if plan.install.instruction in s.instructions)
    return f"stage `{holder.name or holder.index}`, which the {named} is built from"


def _needs_a_shell(uses: list[Use]) -> str | None:
    """Why the Python probe cannot take the healthcheck's place on an image without a shell
    (distroless): the test is a string (`test: curl -f ... || exit 1`, `HEALTHCHECK CMD curl
    ...`), which runs through /bin/sh, and a rewrite keeps its form."""
    shell_form = any(u.test is not None and isinstance(u.test.node, yaml.ScalarNode) or
                     u.instruction is not None and not u.instruction.json for u in uses)
    return ("the healthcheck is a string, which runs through /bin/sh, and the image has no "
            "shell: write it as `[\"CMD\", \"python3\", \"-c\", ...]`") if shell_form else None


def _rewrite_reason(uses: list[Use]) -> str | None:
    for use in uses:
        if not use.probe.plain or use.probe.url is None:
            return f"the {use.probe.tool} probe uses options a Python urllib probe cannot mirror"
        if use.test is not None and use.test.aliased:
            return "the healthcheck is reached through a YAML alias"
    return None


def _edits(ws: Workspace, target: Target, uses: list[Use], missing: list[str]) -> list[Edit]:
    plan = _install(target, missing, [u for u in uses if u.probe.tool in missing], pragmas(ws))
    python = _python(ws, target, plan)
    if python is not None:
        return [e for u in uses if u.probe.tool in missing for e in _rewrite(target, u, python)]
    return list(install_edits(plan))


def _rewrite(target: Target, use: Use, python: str) -> list[TextEdit]:
    assert use.probe.url is not None
    argv = python_argv(python, use.probe.url)
    if use.doc is not None and use.test is not None:
        edit = compose_test_edit(use.doc, use.test, argv)
    elif use.instruction is not None:
        owner = target.dockerfile
        edit = healthcheck_edit(owner, use.instruction, argv)
    else:
        edit = None
    if edit is None:
        raise ValueError("the healthcheck's shape cannot be rewritten")
    return [edit]

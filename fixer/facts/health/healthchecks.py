"""Whether a service has a healthcheck: in compose, or as its image's Dockerfile HEALTHCHECK."""

from __future__ import annotations

from enum import Enum

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.images import base_image
from fixer.model.appservice import is_app_service
from fixer.model.image_builders import image_builder
from fixer.model.services import App, Service
from fixer.model.workspace import Workspace
from fixer.sources.compose import ComposeDoc, Value, get, scalar, string_list
from fixer.sources.compose_style import Flow, Fragment, Map, Seq, Style
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain
from fixer.sources.hubname import image_name

# The timings of every healthcheck fixer adds (C004, C005): a long interval delays the start of
# everything that waits on it.
TIMINGS: tuple[tuple[str, Fragment], ...] = (
    ("interval", "10s"), ("timeout", "5s"), ("retries", 3), ("start_period", "10s"))


class Health(str, Enum):
    CHECKED = "checked"      # a test runs
    DISABLED = "disabled"    # `disable: true`, test NONE or [], HEALTHCHECK NONE: deliberately none
    PARTIAL = "partial"      # compose sets only timings (interval, ...) and nothing supplies a test
    NONE = "none"


# per service: the rules and the stack check ask for them many times a check
_HEALTH: Memo[Health] = Memo("compose health")
_TEST: Memo[list[str] | None] = Memo("compose healthcheck test")


def compose_health(service: Service) -> Health:
    """What the merged compose `healthcheck` says (a later file overrides keys of an earlier one)."""
    return service.derived.get(_HEALTH, lambda: _compose_health(service))


def _compose_health(service: Service) -> Health:
    return written_health([value for _doc, value in service.all("healthcheck")])


def written_health(checks: list[Value]) -> Health:
    """What `healthcheck` values written in load order say (a later one's keys win): one
    service merged over its files, or one file's definition of it."""
    disabled = False
    for value in checks:
        disable = scalar(get(value, "disable"))
        if disable is not None:
            disabled = disable.lower() == "true"
    test = _last_test(checks)
    # `test: []` asks for the image's test: written out, it is the author's choice (a `-f`
    # file for tests that drops the base's probe), read as `disable: true` is
    if disabled or (test is not None and test[:1] in (["NONE"], [])):
        return Health.DISABLED
    if test:
        return Health.CHECKED
    return Health.PARTIAL if checks else Health.NONE


def compose_test(service: Service) -> list[str] | None:
    """The merged compose `healthcheck.test`: the last file's that sets one (an overlay that
    sets only `interval` keeps the base's). A new list each time: callers may change theirs."""
    test = service.derived.get(_TEST, lambda: _compose_test(service))
    return list(test) if test is not None else None


def _compose_test(service: Service) -> list[str] | None:
    return _last_test([value for _doc, value in service.all("healthcheck")])


def _last_test(checks: list[Value]) -> list[str] | None:
    """The `test` of the last of the values that sets one."""
    test: list[str] | None = None
    for value in checks:
        found = string_list(get(value, "test"))
        if found is not None:
            test = found
    return test


def dockerfile_health(service: Service) -> Health:
    """The final stage's HEALTHCHECK, or the one it inherits from an earlier stage it builds on."""
    app = service.app
    check = nearest_healthcheck(app.dockerfile, app.stage) if app is not None else None
    if check is None:
        return Health.NONE
    none = [v.upper() for v in check.value[:1]] == ["NONE"]
    return Health.DISABLED if none else Health.CHECKED


def nearest_healthcheck(dockerfile: Dockerfile, stage: Stage) -> Instruction | None:
    """The HEALTHCHECK an image built from `stage` keeps: its own last one, else the one of
    the stage it is built FROM, and so on."""
    current: Stage | None = stage
    visited: set[int] = set()
    while current is not None and current.index not in visited:
        visited.add(current.index)
        check = current.last("HEALTHCHECK")
        if check is not None:
            return check
        current = _parent(dockerfile.stages, current)
    return None


def _parent(stages: list[Stage], stage: Stage) -> Stage | None:
    for earlier in stages[: stage.index]:
        if earlier.name and earlier.name.lower() == stage.base.lower():
            return earlier
    return None


def health(service: Service) -> Health:
    """Compose wins over the image; a compose entry with only timings keeps the image's test."""
    composed = compose_health(service)
    if composed in (Health.CHECKED, Health.DISABLED):
        return composed
    image = dockerfile_health(service)
    if image is not Health.NONE:
        return image
    return composed


def cannot_add(service: Service) -> str | None:
    """Why no healthcheck can be added to a service that has none or only timings (C004's
    display-only reasons that need no plan), or None when one may be. C004 reports it; a
    `depends_on` conversion that would wait for C004's healthcheck does not wait for one
    that cannot come."""
    app = service.app
    reset = service.reset_in("healthcheck")
    if reset is not None:
        return f"{reset.path} takes its healthcheck away (`healthcheck: !reset`) on purpose"
    if health(service) is Health.PARTIAL:
        return "its compose healthcheck sets timings but no test; add the test by hand"
    if app is None or app.listen.origin == "none":
        return "it runs no web server fixer can probe"
    if app.listen.port is None:
        return f"the listen port is unknown: {app.listen.reason}"
    return None


def has_healthcheck(service: Service) -> bool:
    return health(service) is Health.CHECKED


def borrowed_healthcheck(ws: Workspace, service: Service) -> bool:
    """The service's only healthcheck is its image's HEALTHCHECK, written for the server the
    image runs, and compose runs another command that serves no app (`alembic upgrade
    head`, a celery worker): it probes a server that never starts there, so the service is
    never healthy (a one-shot job exits before it could be)."""
    return (compose_health(service) in (Health.NONE, Health.PARTIAL)
            and dockerfile_health(service) is Health.CHECKED
            and any(service.get(key) is not None for key in ("command", "entrypoint"))
            and not is_app_service(ws, service))


# programs that run a task queue's worker or scheduler, or cron jobs: they serve no HTTP
# (flower, celery's web UI, does; it is left out below; dramatiq's default Prometheus
# middleware serves metrics over HTTP on 9191, so dramatiq is not listed)
_WORKER = lazy_compile(r"(?<![\w.-])(?:celery|rq|rqworker|rqscheduler|arq|"
                       r"huey_consumer(?:\.py)?|taskiq|supercronic|crond?)(?![\w.-])")
# what makes a worker's command start something else beside it: a process sent to the
# background (`rq-dashboard --port 9181 & exec rq worker`), or a port it is given
_BESIDE = lazy_compile(r"(?<![&|])&(?![&>])|--?[\w-]*port\b|\bport=")


def worker_command(ws: Workspace, service: Service) -> str | None:
    """The command of a built service that runs a queue worker, a scheduler or cron and no
    app (`celery -A app worker`, `dramatiq app.actors`, `supercronic /etc/crontab`):
    compose's `command:`, else the CMD or ENTRYPOINT its stage runs, its own or one it
    inherits (`FROM api AS worker` then `CMD ["celery", ...]`). So for an image-only service
    that runs the image another service builds (`image_builder`), from that build's stage.
    None for anything else."""
    built = image_builder(ws, service)
    if built is None or is_app_service(ws, service):
        return None
    text = _runs(service, built.app)
    if not _WORKER.search(text) or "flower" in text or _BESIDE.search(text):
        return None
    return text


# the operating system images, whose own default command is a shell: with no terminal and
# no stdin, it ends at once, and the container with it
_IDLE_BASES = {"ubuntu": "bash", "debian": "bash", "alpine": "/bin/sh", "busybox": "sh"}


def idle_default(ws: Workspace, service: Service) -> str | None:
    """The default command of the base image a built service runs, where neither compose
    (`command:`, `entrypoint:`) nor any stage of its chain sets one and that default is a
    shell (`FROM ubuntu:24.04` that packages a library): the container ends at once, and
    an HTTP probe of it never passes. None otherwise, and where compose keeps the shell
    open (`tty: true`, `stdin_open: true`)."""
    built = image_builder(ws, service)
    if built is None or built.app is None or service.command() is not None or \
            service.entrypoint() is not None or _runs(service, built.app) or \
            any(service.scalar(key) in ("true", "True", "yes") for key in ("tty", "stdin_open")):
        return None
    app = built.app
    return _IDLE_BASES.get(image_name(base_image(app.dockerfile, app.stage, app.args)))


def _runs(service: Service, app: App | None) -> str:
    """What a service runs, as one line: compose's `command:`, else the CMD (or ENTRYPOINT)
    of the stage `app` builds or of the nearest stage it is built from; "" when unknown."""
    found = service.command()
    if found is not None:
        return " ".join(found[2])
    return next((" ".join(i.value) for link in chain(app.dockerfile, app.stage)
                 for i in (link.last("CMD"), link.last("ENTRYPOINT")) if i is not None), "") \
        if app is not None else ""


# commands that run to completion: migrations
_ONE_SHOT = lazy_compile(r"^(?:alembic\s+upgrade|python3?\s+(?:-m\s+)?[\w./]*migrat\w*|"
                         r"(?:python3?\s+)?\S*manage\.py\s+migrate|flask\s+db\s+upgrade|"
                         r"aerich\s+upgrade|(?:npx\s+)?prisma\s+migrate)\b")


# a command that goes on after its first part: `&&`, `;`, `||`, `&`, or a line of its own
_CHAINED = lazy_compile(r"&&|\|\||;|(?<![&|])&(?![&>])|\n")


def one_shot(ws: Workspace, service: Service) -> str | None:
    """The command of a service that runs a migration and exits (`alembic upgrade head`,
    `python -m app.migrate`, in compose or as its stage's CMD) and serves nothing: no
    healthcheck of it ever passes, and what waits for it waits for
    `service_completed_successfully`."""
    command = _runs(service, service.app)
    # `prisma migrate deploy && node dist/main.js` migrates, then serves: no one-shot job.
    # The command first: whether the service is an app is read from its code.
    if not command or not _ONE_SHOT.match(command) or _CHAINED.search(command):
        return None
    return None if is_app_service(ws, service) else command


def healthcheck_elsewhere(service: Service, waiting_in: ComposeDoc) -> str | None:
    """Why a `condition: service_healthy` on `service`, written in the compose file
    `waiting_in`, may stop the stack: the test is set only in another file of the stack,
    not its base, which `waiting_in` also runs without (a `-f` overlay; Compose's own
    override file, which `docker compose -f compose.yml up` leaves out). An image's own
    HEALTHCHECK goes wherever the image goes."""
    if dockerfile_health(service) is Health.CHECKED:
        return None
    setting = [doc for doc, value in service.all("healthcheck") if get(value, "test")]
    base = service.stack.docs[0]
    if not setting or any(doc is waiting_in or doc is base for doc in setting) or \
            _brought_with_test(service, waiting_in, setting):
        return None
    return (f"{service.name}'s healthcheck test is set only in {setting[-1].path}, which "
            f"{waiting_in.path} also runs without: there, Compose would stop at a gate on "
            f"{service.name} (no healthcheck configured)")


def _brought_with_test(service: Service, waiting_in: ComposeDoc,
                       setting: list[ComposeDoc]) -> bool:
    """`waiting_in` relies on the service without defining it (Compose refuses it alone), and
    every file of the stack that builds or pulls the service sets its test: wherever the file
    runs, the service comes with its healthcheck (a `-f` chain: web's file needs api, whose
    file needs db's)."""
    if service.name in waiting_in.services:
        return False
    definers = [doc for key in ("build", "image") for doc, _value in service.all(key)]
    return bool(definers) and all(any(doc is own for own in setting) for doc in definers)


def healthcheck_fragment(test: tuple[str, ...], style: Style,
                         start_period: str | None = None) -> Map:
    """A compose `healthcheck` with `test` in the file's list style, and fixer's timings
    (`start_period` in place of fixer's for a server whose first start takes longer)."""
    timings = tuple((key, start_period if key == "start_period" and start_period else value)
                    for key, value in TIMINGS)
    return Map((("test", Flow(test) if style.flow_tests else Seq(test)), *timings))


# Docker's interval when none is set: a healthcheck first runs this long after the container
# starts, so a service gated on it waits at least that long; longer is a choice to weigh
DEFAULT_INTERVAL = 30.0
_DURATION_PART = lazy_compile(r"(\d+(?:\.\d*)?)(h|ms|m|s|us|µs|ns)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


def duration_seconds(text: str) -> float | None:
    """A Compose or Dockerfile duration (`5m`, `1m30s`, `500ms`) in seconds; None when it is
    not one (`${INTERVAL}`)."""
    text = text.strip()
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(number) * _UNITS[unit] for number, unit in parts)


def first_probe_after(service: Service) -> float | None:
    """Seconds from the container's start to the first run of its healthcheck: `interval`,
    or `start_interval` during a `start_period`. Each timing is compose's (a later file's key
    wins), else the image's HEALTHCHECK option, else Docker's default; None when one of them
    is not a duration fixer can read."""
    timings = _timings(service)
    interval = duration_seconds(timings.get("interval", "30s"))
    period = duration_seconds(timings.get("start_period", "0s"))
    start = duration_seconds(timings["start_interval"]) if "start_interval" in timings else None
    if interval is None or period is None or ("start_interval" in timings and start is None):
        return None
    return start if start is not None and period > 0 else interval


def _timings(service: Service) -> dict[str, str]:
    timings = _image_timings(service)
    for _doc, value in service.all("healthcheck"):
        for key in ("interval", "start_period", "start_interval"):
            written = scalar(get(value, key))
            if written is not None:
                timings[key] = written
    return timings


def slow_first_probe(service: Service) -> str | None:
    """Why gating a dependent on the service's health delays its start more than Docker's
    default does: its healthcheck first runs more than 30 s after it starts. With a
    `start_period` and no `start_interval`, only on Docker Engine before 25: from 25 on, the
    engine probes every 5 s during the start period."""
    seconds = first_probe_after(service)
    if seconds is None or seconds <= DEFAULT_INTERVAL:
        return None
    shown = f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
    timings = _timings(service)
    period = duration_seconds(timings.get("start_period", "0s")) or 0
    engine = " on Docker Engine before 25 (from 25 on, it probes every 5 s during its " \
        f"{timings['start_period']} start_period)" \
        if period > 0 and "start_interval" not in timings else ""
    return (f"{service.name}'s healthcheck first runs {shown} after it starts{engine}: a "
            "service that waits for it to be healthy waits that long at every start")


def _image_timings(service: Service) -> dict[str, str]:
    app = service.app
    check = nearest_healthcheck(app.dockerfile, app.stage) if app is not None else None
    found: dict[str, str] = {}
    for flag in check.flags if check is not None else ():
        name, _, written = flag.lstrip("-").partition("=")
        key = name.replace("-", "_")
        if key in ("interval", "start_period", "start_interval"):
            found[key] = written
    return found

"""An app service has no healthcheck, in compose or in its Dockerfile.

## What it does
Reports app services (FastAPI HTTP servers: not Flask or Django apps, workers,
bots, test runners or one-shot jobs that others wait for with
`service_completed_successfully`) that have neither a compose `healthcheck` with
a test nor a `HEALTHCHECK` in the final stage of their Dockerfile.
`healthcheck: {disable: true}`, `HEALTHCHECK NONE` and an overlay's
`healthcheck: !reset {}` are a deliberate choice and are left alone. A compose file
with an image and a build of its own that every Compose command of the build scripts and
root guides (a README's code block) runs with `-f` after a base file whose service of the
same name sets `healthcheck` (`docker compose -f docker-compose.yml -f
docker-compose.dev.yml up`) gets none either: the merge keeps the base's, which a probe
written into the file would replace. The healthcheck
it adds probes a route the app serves: its own GET health route (the one H001
accepts: `/api/health` behind a router prefix, `/healthz`, ...; `/health` first when
there are several; where a liveness route stands below it, `/api/v1/health/live` beside
`/api/v1/health/`, that one: the health route may ask the database or a cloud API, which
may fail or outlast the probe's timeout, and the liveness route answers while the app
does), else the `/health` route H001 adds. The finding is about the whole
service, so it is reported at the service's key (`api:`), where a
`# fixer: ignore[C004]` comment goes (at the end of its line, or alone above it).

## Why is this bad?
Without a healthcheck Docker cannot tell a hung app from a working one (`docker ps`
and `docker compose up --wait` see a running container, whatever it answers), and
`depends_on: condition: service_healthy` cannot wait for it.

## Example
```yaml
services:
  api:
    build: ./api        # uvicorn app.main:app --port 8000
```

## Use instead
```yaml
services:
  api:
    build: ./api
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
      interval: 10s
      timeout: 5s
      retries: 3
      start_period: 10s
```

## Fix safety
Safe: a healthcheck at the app's listen port on a route the app serves, with
`interval: 10s` (a long interval delays everything that waits on it), `timeout:
5s`, `retries: 3`, `start_period: 10s`. Where the app serves no health route H001
counts but exactly one whose last part names health (`/api/v1/health-check/`, `/heartbeat`,
`/ping`) or whose handler is named for it (`def health()` on `/api/status`), tagged,
summed up or documented as the health check (`tags=["Health"]`), the
probe calls that one (as H002 points a probe at it), judged as a health route H001 counts
is (see the guards below); never a route the app adds on some runs only (`/debug/ping`
under `if DEBUG:`). Where the app serves none, the
fix adds the `GET /health` route H001 adds (H001 runs first when selected, so
then it is H001's commit); unsafe, with the reason, when the app adds a health route on
some runs only (`if settings.PROBES:`), as H001's is. The probe runs a tool the final
stage has: curl, else
wget (busybox on Alpine, which calls `127.0.0.1`: BusyBox tries `localhost` as `::1`
only, where uvicorn on `0.0.0.0` does not listen); with neither, curl, installed by the
same fix as D003
installs it (Debian `apt-get`, Alpine `apk`). With `healthcheck-strategy =
"python"` it is a Python urllib one-liner, which needs nothing installed; so it is
where the final stage cannot get curl installed (it runs as a non-root `USER` it
inherits), on an image of a Debian release whose package archive is gone (buster and older,
named in the tag or following from the python version: see D003) or whose support has
ended so that a new install layer could stop the build later (bullseye; under
`healthcheck-strategy = "install"` the install is offered, unsafe with that reason), where
nothing can be installed, and where compose's build args choose the base image
(`BASE_IMAGE: python:3.12-alpine` over the Dockerfile's `ARG BASE_IMAGE=python:3.12-slim`,
for this service or another that builds the same stage): an install written for one base
breaks the build of the other, so the probe uses a tool or the Python the chosen base has;
the same where a variable picks the Dockerfile (`dockerfile: docker/py${PY:-312}/Dockerfile`):
an install would reach only the file the project's `.env` or default picks.
Waits for P001 while it reports that compose expects another port than the app's: the
probe would be written on the port P001's fix, or the author's, may move the app off.
`fixer fix` writes it on the port P001 settles, in the next round; without a safe P001
fix it stays display-only.

Unsafe, with the reason, when the handler of the health route it probes queues a task or
writes (`ping_task.delay()`, `session.commit()`, a message producer's `producer.send()`, a
file opened to append, `open(LOG, "a")`), or an `@app.middleware("http")` function of the
app's module does so on every request it
does not let a health path through: a probe every 10 s would repeat it. Unsafe, with the
reason, when that handler asks another service over HTTP (`await client.get(f"{url}/")`,
`requests.get(URL)`), or checks one through its client where no `try` catches a failure
(`await redis.ping()`, `es.cluster.health()`, `client.admin.command("ping")`): the
container's health then follows that service's, and a slow answer outlasts the probe's
timeout.
Unsafe, with the reason, when compose's command takes the port from a variable Compose
substitutes (`--port ${API_PORT:-8000}`): each checkout's `.env` or shell may set it, and
the probe names one value. So where the port variable the app reads (`--port $PORT`,
`os.getenv("PORT", "8000")`) is set by compose from such a substitution (`PORT:
${API_PORT:-9000}`), by an env_file each checkout keeps for itself (one git ignores) or
edits where it is deployed (`.env`, committed or not), or may be set by an env_file not in the repository (not where compose's own
`environment` sets it to a value: that wins over every env_file).
Unsafe, with the reason, when the server binds 127.0.0.1 only: uvicorn, granian or
`fastapi dev` with no `--host` (and no `UVICORN_HOST`/`GRANIAN_HOST`), gunicorn or
hypercorn with no `--bind` (gunicorn binds 0.0.0.0 when `PORT` is set, and what a
`--bind` of `GUNICORN_CMD_ARGS` gives, whose port it listens on then), a script's
`uvicorn.run(...)` with no `host=` (the CLI's `UVICORN_HOST` is not read there), or a
loopback host given: the probe passes inside the container while the published port and the other
containers cannot reach the app, so a healthy container would say nothing of it (not
with `network_mode: host`: the loopback is the host's, which is what reaches it there).
Unsafe, with the reason, when the server binds an IPv6 address (`--host ::`, `--bind
[::]:8000`): whether that socket takes the probe's IPv4 connection differs by server and
worker count (uvicorn with one worker sets IPV6_V6ONLY: 127.0.0.1 is refused), so fixer
cannot show the probe reaches the app; uvicorn with `--workers 2` or more binds both.
Display-only, with the reason, when the server binds one address of the container's network
alone, by name or number (`--host web`, `--bind 172.20.0.5:8000`): it resolves the name
once and listens there, so every probe of localhost is refused.
Unsafe, with the reason, when compose also names a published image beside `build:`
(`image: ${API_IMAGE:-acme/api:latest}`; not a plain local tag, nor with `pull_policy:
build`) and the probe needs what only a build brings (the route or curl this fix adds, or
code or a Dockerfile an earlier fix of the run changed; not code a bind mount of the
service puts where the image has it): a deployment that pulls the image runs without it.
Unsafe, with the reason, when a named or anonymous volume is mounted over the folder the
image holds the app's code in (`app_code:/app` over `COPY . .`): a volume that exists from
an earlier run keeps the code it was filled with, which may not serve the probed route.
Where such an image's base has neither curl nor wget, the probe is the
image's Python (urllib), whatever the Dockerfile installs: the pulled image may predate it.
Display-only where the app serves no health route and H001 is ignored for the service
(`--ignore H001`, `per-service-ignores`, a comment); where D003 is, no curl is installed
(the probe is a Python one, or none on an image without Python).
Unsafe, with the reason, when the health route it probes may refuse a plain GET: the
route, its router, the `include_router` call or the FastAPI app mounted with it (`admin =
FastAPI(dependencies=[Depends(require_admin)])`, `app.mount("/admin", admin)`) has
`dependencies=`, the app builds its routes with a route class of its own
(`app.router.route_class = KeyedRoute`) or renders them with a `default_response_class`
other than a JSON one, or its handler takes a
`Depends` parameter or one with no default (401, 403 or 422 before the handler answers),
or the handler answers an error status of its own (`/health` setting
`response.status_code = 503` until a model loads on the first request, raising
`HTTPException(503)` when a check it makes fails, itself or in a function of the repository
it calls by name (`require_broker()`), or returning it: `JSONResponse(...,
status_code=200 if ok else 503)`, `PlainTextResponse("down", 503)`, a status bound to a
local name; any error status, 400 or more, among the values it may take; not one under `if
app.state.draining:`, a flag named for shutting down): fixer cannot show that state ends,
and a gate on the healthcheck would wait for it. So is one answering a status fixer cannot
read (`status_code=reply.status_code` of a response or an `HTTPException`, or set on a
`Response` parameter or a response it built; a module constant, a parameter): it may be an
error. A literal success (`status_code=200`, `status.HTTP_204_NO_CONTENT`) is no doubt.
Display-only where the app serves no health route H001 counts and the route that reads as
one (`/healthcheck`) sits in a router the app includes with `dependencies=`
(`include_router(core, dependencies=[Depends(current_user)])`, an API guarded as a whole):
a probe with no credentials may never pass, and H001's unsafe fix adds an unguarded
`/health` beside it, which the healthcheck probes once it is there.
Unsafe, with the reason, where the route this fix adds would stand beside one that reads as
the health route but lacks its leading `/` (`@router.get("auth/healthcheck")`, which
never matches a request): the missing `/` may be all its author meant, and a second
health route is the author's call (as H001 says).
Unsafe, with the reason, when fixer does not know the base image and the Dockerfile
installs neither curl nor wget nor the `python3` package (the probe then runs `python3`,
as the app does; on
`mambaorg/micromamba` images, which have no system Python and put their environment on
PATH only in the entrypoint script a healthcheck skips, the reason says so), or when
some routes cannot be read and the health path is only named by a literal in the code
(a route of a router created with a literal `prefix=` is probed under it:
`APIRouter(prefix="/api")` with `@router.get("/health")` is `/api/health`; under a prefix
that is no literal it names no path; a file no COPY of the image takes, such as a
generator's template beside the services, is not read; where another compose file's service
that builds the same image probes a path ending with it, `/api/v1/health` for `/health`,
that path is probed, as the reason says).
Display-only when the app serves HTTPS (a certificate option of its server, uvicorn's
`UVICORN_SSL_CERTFILE`, `uvicorn.run(ssl_certfile=...)`): an `http://` probe never passes;
and when it may (the start script that runs the server names a certificate option, which
it may add through a variable: `exec uvicorn ... $TLS_OPTIONS`, set where a certificate
is mounted).
Display-only too when its `TrustedHostMiddleware` lists `allowed_hosts` that leave out
localhost: every probe of localhost is answered 400, the health route it serves or not (as
H001 says of a route it would add); which host the probe should send is the author's call.
Display-only when its image is never built (a COPY or ADD takes a path its build context
does not send, D004): no container starts to answer a probe until a person mends the
build, so fixer cannot show that a healthcheck passes (a gate on the service is judged so
too, and C003 leaves its entries to a person).
Display-only when the app raises at start-up, so that no healthcheck passes: it builds
`StaticFiles(directory="static")` (a literal or module constant, or a folder beside the
module's file, at import or in its factory, without `check_dir=False`) and the image has
no such folder (as C003 judges it), or a module that importing the app runs imports, in its
own body, a module of the app's regular package that no file provides (`from
app.db.base_class import Base` beside only `app/db/base.py`: `ModuleNotFoundError`); not
where a volume may bring it, git ignores it, a build step may write it (a `RUN` naming it,
protobuf's `_pb2`) or a path `__init__.py` extends may hold it, nor in a namespace package
(no `__init__.py`) a package the image installs by its name or a PYTHONPATH may add to;
or imports by its bare name a module that only its own folder holds, below the import root
(`from helpers import greeting` in app/svc/server.py beside app/svc/helpers.py: Python 3
looks on sys.path alone), where no PYTHONPATH, `sys.path` change of the app's code,
package the image installs by that name or COPY to the import root may bring it;
or imports a module of the import root that the repository holds and the image does not
(`COPY server.py .` alone beside `from settings import TITLE`, or a `.dockerignore` that
drops it), where every COPY names paths of the context (no `--from`, glob or variable), the
base image is one fixer knows and no PYTHONPATH or installed package may bring it;
or the app's own statement calls a name the module never binds (`from fastapi import
FastApi`, then `app = FastAPI()`: `NameError`), or a module importing the app runs imports
a name from itself above any statement binding it (`from db import get_db` in db.py:
`ImportError`); or its command runs a script of the repository by its path (`./wait.sh &&
uvicorn ...`, `CMD ["./start.sh"]`) that the checkout holds without execute permission and
no `chmod` of the Dockerfile sets (COPY keeps the mode: "Permission denied"; read on POSIX
systems only, where the checkout's modes are the image's); or a module that importing the
app runs does not compile (S004: merge-conflict markers, Python 2 syntax).
Display-only as well while another rule's finding stops the service at start-up (I001's
import of the build context's own folder as a package, I003, S003, S005, D005): the check
holds the fix with that finding as its reason (`engine/gates.py`), and it follows in the
same run where that finding has a fix of its own.
Display-only when the listen port is unknown, when a compose `healthcheck` sets timings
with no test, when the app's health route is not a plain path, when the image lacks curl
and wget and can neither install one (its Debian package archive is gone) nor run Python, when
fixer cannot find the app object
(the reason names the module on the app's import path that does not compile, where
one does: S004 reports it), when H001 is turned off for the service and the app
serves no health route, when the app serves none and fixer cannot vouch that a
route added to it would work (its class redefines `get` or other route-adding
methods, or fixer cannot read its class, or its middleware refuses or redirects a probe,
`HTTPSRedirectMiddleware` among them: see H001), when it serves several routes that read
as health routes (`/live` and `/ready`, `/liveness` and `/readiness`: which of them to
probe is the author's call, as H001 says), and on distroless images under
the `install` strategy.
Unsafe when the app serves its health route through such a class's methods, when it
loads a model or imports a library that serves models (`vllm`, `torch`; not a package of
the repository by that name, which Python imports in its place), or a module on its import
path sleeps 10 s or more or trains a model (`model.fit(...)`) in its own body, or calls at
start-up a function that downloads the data file it opens (skyfield's `load("de421.bsp")`,
`urlretrieve`), and when its
command sleeps 10 s or more before the server starts (`sleep 60 && uvicorn ...`, or its
ENTRYPOINT script before `exec "$@"`, `sleep ${DELAY:-30}` read at its default) or
installs packages or fetches a model or data first (`pip install ... && uvicorn ...`,
`python download_model.py && ...`, `ollama pull`, `python -c "...snapshot_download(...)"`,
or that script's `pip install` or `from_pretrained`; a `uv run` that first installs the
project's `dev` group, which the image's `uv sync --no-dev` left out, or the whole
environment, where a bind mount of the project over the working folder hides the `.venv`
the image built and no volume keeps it: `./api:/app`), or when a start-up
function of the app (`lifespan`, an `on_event("startup")` handler, or one handed to the app as such:
`add_event_handler("startup", f)`, `FastAPI(on_startup=[f])`, `FastAPI(lifespan=ctx)` of
any name), or the top level of a module the app imports, makes an HTTP request
(`client.post(".../api/pull")`; `requests.post(...)` written at import, or in a function
it calls, `initialize()` then `register()`) or sleeps in a loop that
may wait 10 s or more (a retry of a broker's connection, `for _ in range(20): ...
await asyncio.sleep(5)`; not a retry that leaves once it connects where every
`depends_on` entry of the service waits for health, so that the first try connects), itself
or in a function it calls, directly or through further
functions, in any module of the import path (`await register_service()` of `app/sd.py`,
which registers with Consul; the reason names the chain of calls), or pulls a model through
an Ollama client (`client.pull(...)`), or the
app's modules fetch a file from S3 (boto3's `s3.download_file`, `download_fileobj`,
`get_object`) or download one by another client's `download_file`, or fetch the ffmpeg
binaries at import (`static_ffmpeg.add_paths()`): a download, a load, an
install or the wait may outlast the
healthcheck's 40 s, and the container is
marked unhealthy. A load or download in a function only route handlers call (or queue
with `background_tasks.add_task`, through helpers only they call, or through one nothing
calls: a `@property` no code reads), or in one nothing of the
service names (a script that calls a function of that name of its own names another), is
no such reason (`facts/health/slowstart.py`); nor is an
HTTP request in a function only route handlers or middleware call, or in one a start-up
function runs as a task of its own, beside it (`asyncio.create_task(sync())`, an event
loop's `asyncio.get_event_loop().create_task(sync())`).
Unsafe, with the reason, when a `-f` overlay (not Compose's own override file) sets
the service's `environment` or `env_file`, or `ports` that publish another container port
than the probe's (`80:8000` over an app on 8000 publishes the port it calls): fixer judges
the stack with the overlay merged, and the healthcheck goes in the base file, which also
runs without it. Display-only when such an overlay sets its `command`, `entrypoint` or `build`:
they decide which server runs, and the port a probe written into the base file
would call may be the overlay's only, and so when any overlay of the stack moves the
listen port (an overlay that sets `ports` beside one that binds :80). Display-only too
when Compose's own override file runs the service on another port than the base file
does alone (a dev
`command` on 8001 over the base's 8000): `docker compose -f compose.yml up` leaves
the override out, and the probe would call a port nothing listens on there. An
override that only adds `--reload` on the same port keeps the fix. Display-only as well
when an app service waits for it with a plain `depends_on` entry fixer cannot give a
condition (an anchor that aliases share): the healthcheck would make that entry a C003
finding no fix settles, and `fixer fix` refuses a fix that leaves one. Unsafe, with the
reason, when a service waits for it with a plain `depends_on` entry and fixer cannot tell
whether the app starts (a `StaticFiles` folder read from a setting, or one the image lacks
that a helper's `os.makedirs` may make, or a start-up that queries a model's table while it
waits for a SQL database of the stack and nothing creates the tables: no `create_all` in the
service's code, no migration in the stack's compose files, the image's start or a shell
script of the build context; a new database has none): C003's gate on the
healthcheck would be unsafe, and a plain run leaves no finding it does not fix;
`--unsafe-fixes` makes both. So where that list also names another app service with no
healthcheck whose start is in such doubt (`gateway: [users, orders]`, users mounting a
`StaticFiles` folder from a setting): C003 writes the list out once both healthchecks are
there, so the finding orders' healthcheck makes waits for users' unsafe fix. And so
where that list names a service whose gate fixer cannot vouch for (a redis healthcheck that
reads a password nothing in the repository sets): C003's fix of the list would be unsafe.

No finding for a service with `extends:` (the service it extends may carry the
healthcheck, and fixer does not follow `extends:`), nor for a service another one extends
(the healthcheck would be inherited where another command may run another port).

## Options
`healthcheck-strategy = "auto" | "install" | "python"`. `auto` (the default) installs curl
as above, except where the stack's other compose healthcheck tests (and those of other
compose files' services that build the same image: a `compose.yaml` beside the
`docker-compose.yml` it replaced) all probe HTTP with Python's urllib and none runs curl
or wget: its authors keep curl out of their images, so the probe is a Python urllib one
too. `install` always installs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial

from fixer.core.derived import Memo
from fixer.core.edits import Edit
from fixer.core.envfile import parse_env
from fixer.core.lazyre import lazy_compile
from fixer.core.wording import how_loaded
from fixer.facts.builds.stops import never_serves
from fixer.facts.health.addroute import (
    addable,
    annotation_doubt,
    code_python,
    route_edits,
    served_as_tools,
)
from fixer.facts.health.healthchecks import TIMINGS, Health, cannot_add, health
from fixer.facts.health.pulled import pulled_without_app_route
from fixer.facts.health.healthroute import (
    HealthPlan, Source, app_created_at, late_health, like_doubt, like_router_guard,
    middleware_side_effect, other_framework, plan, refused_probe, route_doubt, served_app,
    several_doubt, unanchored_doubt)
from fixer.facts.ports.checkout import unseen_port_env_file
from fixer.facts.ports.claims import own_ports
from fixer.facts.health.serverflags import ipv6_bind, named_bind, server_environment
from fixer.facts.health.slowstart import slow_start, unready
from fixer.facts.health.probes import python_argv
from fixer.facts.image.buildscripts import base_argument_set, files_named_before
from fixer.facts.image.images import base_image, family_of, installs_package, tools_present
from fixer.facts.image.hadolint import pragmas
from fixer.facts.image.tool_install import install_edits, placement
from fixer.facts.image.swarmstack import list_only
from fixer.model import appmodule
from fixer.model.appservice import app_services, is_app_service
from fixer.model.depends import HEALTHY, conditions_refused, dependencies, entry_line
from fixer.model.extends import extenders
from fixer.model.image_paths import bind_mounted, image_path_of
from fixer.model.listen import COMPOSE_KINDS, cmd_args_binds
from fixer.model.optout import ignored, turned_off
from fixer.model.rule import Category, EditBuilder, Fix, Location, Safety, Severity, Violation
from fixer.model.services import (
    BuiltService,
    Service,
    Stack,
    StageKey,
    published_image,
    volume_mounts,
)
from fixer.model.workspace import Workspace
from fixer.sources import compose_style
from fixer.sources.compose import ComposeDoc, Node, get, mapping_or_list, string_list
from fixer.sources.compose_edit import Unfixable, add_entry, entry_point
from fixer.sources.compose_style import Flow, Map, Seq
from fixer.sources.dockerfile import chain
from fixer.sources.fastapi_routes import LOCALHOST_REFUSED
from fixer.sources.launch import LOOPBACK_HOSTS
from fixer.sources.portsites import stage_env
from fixer.stackcheck.gate import start_doubt

from . import depends_plan

CODE = "C004"
NAME = "missing-healthcheck"
CATEGORY = Category.COMPOSE
SEVERITY = Severity.WARNING
APP_ONLY = True   # a healthcheck on the app's route
READS_APP_CODE = True   # it probes only a route the app serves
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)


@dataclass(frozen=True)
class Choice:
    """One decision of the fix: what it settles on, the builder of the edits that needs
    (called only when the fix is applied), and why the fix is unsafe (`doubt`) or
    impossible (`block`) because of it."""

    value: tuple[str, ...] = ()            # the probed path, or the probe's argv
    build: EditBuilder | None = None
    says: str = ""                         # for the fix title: what it adds, or why so
    doubt: str | None = None
    block: str | None = None
    # (rule code, service): the fixes that lift the block (H001's unguarded route beside a
    # guarded one): the healthcheck made after them builds on them
    follows: tuple[tuple[str, str], ...] = ()


def detect(ws: Workspace) -> Iterator[Violation]:
    for service in app_services(ws):
        state = health(service)
        app = service.app
        if state in (Health.CHECKED, Health.DISABLED) or app.listen.origin == "none":
            continue  # no web server in the command: nothing serves /health
        if service.reset_in("healthcheck") is not None:
            continue  # `healthcheck: !reset {}` in an overlay: taken away on purpose
        if _merged_over_a_healthcheck(ws, service):
            continue  # its file runs only `-f` over a base whose service sets one
        if service.get("extends") is not None or extenders(ws, service):
            continue  # fixer does not read `extends`: the healthcheck may come from, or go
            # into, a service another one extends (and runs on its own port)
        if other_framework(ws, service) is not None:
            continue  # a Flask or Starlette app whose module imports a FastAPI helper
        doc, key = service.key()   # about the whole service: a comment at its key says no
        base = Violation(message=f"{service.name} has no healthcheck (compose or Dockerfile)",
                         path=doc.path, line=doc.line(key), column=doc.column(key),
                         service=service.name, subject="healthcheck",
                         causes=_command(ws, service), writes_port=True, probes_itself=True)
        blocked = cannot_add(service) or _serves_tls(ws, service)
        if blocked is not None or app.listen.port is None:
            yield replace(base, reason=blocked)
        else:   # into the file that defines the service, which `-f` alone runs too (an
            # override that repeats its `build:` is not always loaded)
            yield _fixable(ws, service, service.first_doc(), app.listen.port, base)


def _merged_over_a_healthcheck(ws: Workspace, service: BuiltService) -> bool:
    """Every Compose command of the build scripts and guides that loads the file defining
    the service names it with `-f` after a base whose service of the same name sets
    `healthcheck` (a probe, or `disable: true`): `docker compose -f docker-compose.yml -f
    docker-compose.dev.yml up` merges that into the service, and the file, with an image
    and a build of its own, is never run alone. A probe written into it would replace the
    base's."""
    before = files_named_before(ws, service.first_doc().path)
    return before is not None and all(
        any(get(doc.services.get(service.name), "healthcheck") is not None
            for path in named if (doc := ws.compose_docs.get(path)) is not None)
        for named in before)


def _command(ws: Workspace, service: BuiltService) -> tuple[Location, ...]:
    """The command that starts the web server: a change there can make the service one
    that needs a healthcheck."""
    region = service.app.listen.region
    if region is None:
        return ()
    return (Location.of_text(ws.tree.read(region.path), region.start, region.end),)


def _fixable(ws: Workspace, service: BuiltService, doc: ComposeDoc, port: int,
             base: Violation) -> Violation:
    crash = never_serves(ws, service)
    if crash is not None:   # no healthcheck passes: it would only turn a gate on it red
        return replace(base, reason=crash)
    route = _route(ws, service, plan(ws, service))
    writes = middleware_side_effect(ws, service) if route.value and not route.doubt else ""
    route = replace(route, doubt=writes) if writes else route
    url = f"http://localhost:{port}{route.value[0]}" if route.value else ""
    tool = _tool(ws, service, url) if url else Choice()
    if tool.value and tool.value[1] == "wget":
        url = _wget_url(url)   # the title names the URL the probe calls
    setting = _healthcheck(service, doc, tool.value) if tool.value else Choice()
    block = route.block or tool.block or setting.block
    if block is not None:
        return replace(base, reason=block, follows=route.follows)
    choices = (setting, route, tool)
    says = [c.says for c in choices if c.says]
    title = f"Add a healthcheck on {url}" + (", with " + " and ".join(says) if says else "")
    build = partial(_edits, tuple(c.build for c in choices if c.build is not None))
    overlay = _overlay_doubt(service, doc, port)
    if overlay is not None and overlay[0] in _SERVER_KEYS:   # its port may not be the base's
        return replace(base, reason=overlay[1])
    elsewhere = _port_without_override(ws, service, doc, port) or \
        _unconvertible_wait(ws, service) or _named_bind_refuses(service)
    if elsewhere is not None:
        return replace(base, reason=elsewhere)
    slow = _slow_start(ws, service)
    loopback = _loopback_doubt(ws, service) or _ipv6_doubt(ws, service) or \
        _interpolated_port(ws, service, port) or \
        _checkout_port(ws, service, port) or \
        _published_image(ws, service, route, tool) or _volume_over_code(ws, service) or \
        _doubtful_wait(ws, service)
    doubts = "; ".join([c.doubt for c in choices if c.doubt] + ([overlay[1]] if overlay else [])
                       + ([slow] if slow else []) + ([loopback] if loopback else []))
    if doubts:
        only_slow = slow is not None and doubts == slow
        return replace(base, fix=Fix(f"{title} ({doubts})", Safety.UNSAFE, build), reason=doubts,
                       safe_after=_gates_ending_the_wait(ws, service) if only_slow else ())
    return replace(base, fix=Fix(title, Safety.SAFE, build))


def _gates_ending_the_wait(ws: Workspace, service: BuiltService) -> tuple[tuple[str, str], ...]:
    """The C005 fixes whose gates end the start-up's wait that makes this fix unsafe: a loop
    retrying a database ends at once when Compose starts the app only once every service
    it depends on is healthy. None when the wait would remain."""
    names = unready(service)
    if not names or slow_start(ws, service, ready=True) is not None:
        return ()
    return tuple(("C005", name) for name in names)


def _published_image(ws: Workspace, service: BuiltService, route: Choice,
                     tool: Choice) -> str | None:
    """Why the probe may fail where the service runs: compose also names a published image
    (`image: ${API_IMAGE:-acme/api:latest}` beside `build:`), which a deployment may pull
    instead of building (`docker compose pull && docker compose up`), and the probe needs
    what only a build brings: the route or the curl this fix adds, or code or a Dockerfile
    an earlier fix of this run changed. A plain local tag (`image: api`) only names what
    is built; `pull_policy: build` always builds."""
    image = published_image(service)
    if image is None:
        return None
    module = appmodule.find(ws, service)
    # code a bind mount puts in the container comes from the checkout, pulled image or not
    mounted = module is not None and bind_mounted(ws.tree, service, module.path)
    changed = [module.path] if module is not None and not mounted and \
        _changed_in_run(ws, module.path) else []
    program = tool.value[1] if len(tool.value) > 1 else ""
    original = ws.tree.original(service.app.dockerfile.path)
    if program in ("curl", "wget") and original is not None and \
            program not in original.text and program in service.app.dockerfile.file.text:
        changed.append(service.app.dockerfile.path)   # this run installed the probe's tool
    needs = [c.says for c in (route, tool) if c.build is not None
             and not (c is route and mounted)] + \
        [f"this run's change to {p}" for p in changed]
    if not needs:
        return None
    return (f"a deployment that pulls the image `{image}` compose also names, instead of "
            f"building it, runs without {needs[0]}, which the probe needs")


def _volume_over_code(ws: Workspace, service: BuiltService) -> str | None:
    """Why the probe may fail where the stack ran before: a volume is mounted over the
    folder the image holds the app's code in (`app_code:/app` over `COPY . .`), and a
    volume that exists already keeps the code it was filled with, which fixer cannot read:
    the route the probe asks (or the one this run adds) may not be in it. Whether the route
    is new or not, so that a run after H001's fix says the same."""
    module = appmodule.find(ws, service)
    inside = image_path_of(ws.tree, service, module.path) if module is not None else None
    if inside is None:
        return None
    for name, target in volume_mounts(service):
        if target and (inside + "/").startswith(target.rstrip("/") + "/"):
            shown = f"the volume `{name}`" if name else "an anonymous volume"
            return (f"{shown} is mounted at {target}, over the image's {inside}: where it "
                    "exists from an earlier run, the container runs the code it was filled "
                    "with, which may not serve the route the probe asks")
    return None


def _changed_in_run(ws: Workspace, path: str) -> bool:
    original = ws.tree.original(path)
    current = ws.read(path)
    return original is None or current is None or original.text != current.text


# uvicorn's settings from the environment that turn on TLS
_TLS_VARIABLES = ("UVICORN_SSL_CERTFILE", "UVICORN_SSL_KEYFILE")


def _serves_tls(ws: Workspace, service: BuiltService) -> str | None:
    """Why no `http://` probe can pass: the server speaks TLS on its port (a certificate
    option, or uvicorn's from the environment). A probe of `https://localhost` would need
    the certificate's trust settings, which are the author's."""
    launch = service.app.listen.launch
    environment = server_environment(ws, service)
    variable = next((v for v in _TLS_VARIABLES if environment.get(v)), None)
    if launch is not None and launch.server == "uvicorn" and variable is not None:
        return f"the app serves HTTPS ({variable} is set): a probe of http:// would fail"
    if launch is not None and launch.tls:
        return "the app serves HTTPS (its command names a certificate): a probe of http:// " \
               "would fail"
    option = _script_certificate(ws, service)
    if option is not None:
        return (f"the app may serve HTTPS (its start script {option[0]} names `{option[1]}`, "
                "which it may pass to the server): a probe of http:// would fail")
    module = appmodule.find(ws, service) if launch is not None and launch.runs_script else None
    for path in appmodule.import_path(ws, module) if module is not None else []:
        file = ws.read(path)
        if file is not None and _TLS_RUN.search(file.text):
            return f"the app serves HTTPS ({path} passes a certificate to the server): a probe " \
                   "of http:// would fail"
    return None


# `uvicorn.run(app, ssl_certfile=...)` in the script the command runs
_TLS_RUN = lazy_compile(r"\bssl_(?:certfile|keyfile)\s*=")
# a server's certificate option, as a start script may keep it in a variable
# (`SSL_ARGS="--ssl-certfile $CERT --ssl-keyfile $KEY"`, added where a certificate exists)
_CERTIFICATE_OPTION = lazy_compile(r"(?<![\w-])--(?:ssl-)?(?:certfile|keyfile)\b")


def _script_certificate(ws: Workspace, service: BuiltService) -> tuple[str, str] | None:
    """(script, option) where the start script that runs the server names a certificate
    option anywhere, not on the server's line (a variable it adds there, maybe only when a
    certificate is mounted). Only a script of its own: a compose file or Dockerfile holds
    other services' and stages' commands."""
    region = service.app.listen.region
    if region is None or not region.script:
        return None
    file = ws.read(region.path)
    found = _CERTIFICATE_OPTION.search(file.text) if file is not None else None
    return (region.path, found.group()) if found is not None else None


# the variables each server reads its host from when its command gives none: gunicorn's
# default bind is 0.0.0.0:$PORT when PORT is set
_HOST_VARIABLES = {"uvicorn": "UVICORN_HOST", "granian": "GRANIAN_HOST", "gunicorn": "PORT",
                   "fastapi": "UVICORN_HOST"}


def _loopback_doubt(ws: Workspace, service: BuiltService) -> str | None:
    """Why a healthcheck is no sign the service works: its server binds 127.0.0.1 only,
    which a probe from inside the container reaches, and the published port and the other
    containers do not. The healthcheck would pass, and `service_healthy` release its users,
    while every request from outside fails."""
    launch = service.app.listen.launch
    if launch is None or not launch.loopback or service.scalar("network_mode") == "host":
        return None   # on the host's network, its loopback is the host's: what reaches it
    variable = _HOST_VARIABLES.get(launch.server or "")
    app = service.app
    env = {k: v for link in reversed(chain(app.dockerfile, app.stage))
           for k, v in stage_env(app.dockerfile, link).values.items()}
    env.update(service.environment(ws.tree))
    if variable is not None and variable in env and not launch.loopback.startswith("`"):
        return None   # the environment gives the host (or gunicorn's PORT its 0.0.0.0)
    binds = cmd_args_binds(env) if launch.server == "gunicorn" else []
    if binds and not all(b.rpartition(":")[0] in LOOPBACK_HOSTS for b in binds):
        return None   # GUNICORN_CMD_ARGS gives it a `--bind` of its own
    return (f"{launch.server or 'uvicorn'} binds 127.0.0.1 only ({launch.loopback}): the probe "
            f"passes inside "
            f"the container while the published port and other containers cannot reach "
            f"{service.name}, unless a proxy in the same container fronts it (then probe the "
            "proxy's port); else bind it to 0.0.0.0")


def _named_bind_refuses(service: BuiltService) -> str | None:
    """Why no probe fixer writes can pass: the server binds one address of the container's
    network by name or number (`--host web`), where a probe of localhost is refused."""
    host = named_bind(service)
    return None if host is None else (
        f"{_server(service)} binds {host} only, not the loopback: a probe of localhost "
        "inside the container is refused on every run (probe that address, or bind 0.0.0.0)")


def _server(service: BuiltService) -> str:
    """The server the command starts, for a message (`uvicorn`)."""
    launch = service.app.listen.launch
    return (launch.server if launch is not None else None) or "the server"


def _ipv6_doubt(ws: Workspace, service: BuiltService) -> str | None:
    """Why the probe may not reach the app: its server binds an IPv6 address (`--host ::`),
    and whether that socket also takes IPv4, as the probe's 127.0.0.1 is, differs by server
    and worker count (uvicorn with one worker takes none)."""
    bound = ipv6_bind(ws, service)
    return None if bound is None else (
        f"{_server(service)} binds {bound}, an IPv6 address: whether it also accepts the "
        "probe's IPv4 connection differs by server and worker count (uvicorn with one worker "
        "does not), so fixer cannot show the probe reaches it")


def _interpolated_port(ws: Workspace, service: BuiltService, port: int) -> str | None:
    """Why a probe on `port` may miss the app: compose's command takes the port from a
    variable Compose substitutes (`--port ${API_PORT:-8000}`), which each checkout's `.env`
    or shell may set; the probe would name one value of it. Not one written `$${PORT}`:
    Compose leaves that to the container's shell, which reads the service's environment."""
    launch, region = service.app.listen.launch, service.app.listen.region
    token = launch.port_token if launch is not None else None
    # a start script's `$PORT` is its shell's to expand, from the container's environment
    if token is None or "$" not in token or region is None or \
            region.kind not in COMPOSE_KINDS or region.script:
        return None
    file = ws.read(region.path)
    if file is not None and "$" + token in file.text[region.start:region.end]:
        return None
    return (f"{service.name} listens on `{token}`, which each checkout's .env or shell may "
            f"set: a probe on {port} names one value of it")


def _checkout_port(ws: Workspace, service: BuiltService, port: int) -> str | None:
    """Why a probe on `port` may miss the app: the port variable the app reads is set by
    compose from a variable Compose substitutes (`PORT: ${API_PORT:-9000}`), or by an
    env_file each checkout keeps for itself (one git ignores) or edits where it is deployed
    (`.env`): the probe would name one value of it, where a checkout's own may differ."""
    name = service.app.listen.variable or service.app.listen.reads
    if name is None:
        return None
    set_here = False   # compose's `environment` wins over any env_file
    for _doc, value in service.all("environment"):
        for key, raw, _node in mapping_or_list(value):
            if key == name and raw is not None and "$" in raw.replace("$$", ""):
                return (f"{service.name} listens on {name}, which compose sets to `{raw}`: "
                        f"each checkout's .env or shell may set it, and a probe on {port} "
                        "names one value of it")
            set_here |= key == name and raw is not None
    unseen = unseen_port_env_file(ws, service)
    if unseen is not None:   # each deployment supplies it: any variable may come from it
        return (f"{service.name} reads its port from {name}, which its env_file "
                f"{unseen} (not in the repository) may set: a probe on {port} names "
                "one value of it")
    for path in service.env_files() if not set_here else ():
        file = ws.read(path)
        if file is None or name not in parse_env(file.text):
            continue
        if ws.tree.ignored([path]):
            return (f"{service.name} listens on {name}, which {path} sets, a file git "
                    f"ignores and each checkout keeps for itself: a probe on {port} names "
                    "this one's value")
        if posixpath.basename(path) == ".env":   # committed, and edited where it is deployed
            return (f"{service.name} listens on {name}, which {path} sets: a `.env` is edited "
                    f"where the stack is deployed, and a probe on {port} names only the value "
                    "written here")
    return None


def _slow_start(ws: Workspace, service: BuiltService) -> str | None:
    """Why the healthcheck may give up before the app listens: it loads a model, or its
    command sleeps first (`facts/health/slowstart.py`). Marked
    unhealthy, a container is restarted where something watches its health (Swarm, an
    autoheal container), and every service gated on it stops `docker compose up`."""
    why = slow_start(ws, service)
    if why is None:
        return None
    return (f"fixer cannot tell whether {service.name} starts before the healthcheck gives up "
            f"(about 40 s): {why}")


# what a `-f` overlay may change that the healthcheck rests on: the port, the image's tools;
# the first three decide which server runs, and so the port the probe calls
_RUN_KEYS = ("command", "entrypoint", "build", "environment", "env_file")
_SERVER_KEYS = _RUN_KEYS[:3]


def _overlay_doubt(service: Service, doc: ComposeDoc, port: int) -> tuple[str, str] | None:
    """The healthcheck goes in `doc`, and fixer judged it on the stack with its overlays
    merged: a `-f` overlay (not Compose's own override file, which `docker compose up` loads
    too) that changes how the service runs makes `doc` alone a different service. Its
    `ports` only where a file beside `doc` publishes another container port than the
    probe's: the probe calls the container's own port, which publishing it (`80:8000`)
    leaves as it is."""
    found = service.overlay_setting(_RUN_KEYS, besides=doc) or \
        service.overlay_setting(("ports",), besides=doc)
    if found is None:
        return None
    other, changed = found
    if changed == "ports" and all(p.effective == port for p in own_ports(service)
                                  if p.kind == "ports" and p.path != doc.path):
        return None
    return changed, (f"{other.path}, {how_loaded(other.path)}, sets {service.name}'s "
                     f"`{changed}`; "
                     f"the healthcheck goes in {doc.path}, which also runs without it")


def _port_without_override(ws: Workspace, service: BuiltService, doc: ComposeDoc,
                           port: int) -> str | None:
    """Why the probe's port is wrong where the healthcheck goes: Compose's own override
    file (which `docker compose up` loads, and `-f compose.yml` leaves out), or a file
    loaded with `-f` (`docker-compose.prod.yml` binding :80), runs the service on `port`,
    and `doc` without it listens elsewhere (a dev `command` on another port)."""
    found = ws.without_override(service, besides=doc) or ws.without_a_file(service)
    if found is None or found[0] is doc:
        return None
    override, alone = found
    where = f"on port {alone}" if alone is not None else "on a port fixer cannot tell"
    return (f"{override.path} runs {service.name} on port {port}, and {doc.path}, where the "
            f"healthcheck would go, runs it {where} without that file")


# per workspace: per stack, the services waiting for each service with a plain
# `depends_on` entry, each with why C003 could not give it a condition (None: it could)
_WAITERS: Memo[dict[str, dict[str, list[tuple[str, str | None]]]]] = Memo("plain waits")


def _unconvertible_wait(ws: Workspace, service: BuiltService) -> str | None:
    """Why the healthcheck would leave a finding no fix can settle: an app service waits for
    this one with a plain `depends_on` entry that C003 would then ask to wait for it to be
    healthy, and that fixer cannot edit (an anchor aliases share). A fix run refuses a fix
    that leaves a finding it cannot fix, so `check` says so here."""
    found = next(((waiter, why) for waiter, why in _plain_waiters(ws, service)
                  if why is not None), None)
    if found is None:
        return None
    waiter, why = found
    return (f"{waiter} waits for {service.name} with a plain depends_on entry, which a "
            f"healthcheck makes a C003 finding fixer cannot fix ({why}): add the healthcheck "
            "and the condition together by hand")


def _doubtful_wait(ws: Workspace, service: BuiltService) -> str | None:
    """Why the healthcheck would leave a C003 finding only an unsafe fix settles: a service
    waits for this one with a plain `depends_on` entry, and fixer cannot tell whether the app
    starts (a StaticFiles folder read from a setting, a variable its environment reads that
    nothing defines), so C003's gate on it is unsafe. A plain fix run refuses a fix that
    leaves a finding it does not fix, so this fix is unsafe too: `--unsafe-fixes` makes
    both."""
    doubt = start_doubt(ws, service)
    waiters = _plain_waiters(ws, service)
    if doubt is not None and waiters:
        return (f"{waiters[0][0]} waits for {service.name} with a plain depends_on entry, "
                f"which a healthcheck makes a C003 finding with an unsafe fix: {doubt}")
    # the waiter's list also names an app service whose healthcheck is as doubtful: C003
    # writes the list out once every entry's healthcheck is there, so the finding this one
    # makes waits for that unsafe fix (`api-gateway: [users, orders]`, users in doubt)
    for waiter, _why in waiters:
        stack = service.stack.services
        for entry in dependencies(stack[waiter]) if waiter in stack else []:
            other = stack.get(entry.name)
            if entry.condition is not None or other is None or other is service or \
                    not isinstance(other, BuiltService) or other.app is None or \
                    health(other) is not Health.NONE or not is_app_service(ws, other) or \
                    other.app.listen.origin == "none":
                continue   # only an app server gets a healthcheck (a worker none)
            its = start_doubt(ws, other)
            if its is not None:
                return (f"{waiter} waits for {service.name} with a plain depends_on entry, "
                        f"which a healthcheck makes a C003 finding; its list also names "
                        f"{other.name}, whose healthcheck fixer adds only as unsafe ({its}), "
                        "and C003 writes the list out once both are there")
    return _doubtful_list(ws, service, [waiter for waiter, _why in waiters])


def _doubtful_list(ws: Workspace, service: BuiltService, waiters: list[str]) -> str | None:
    """Why the C003 finding the healthcheck makes of a waiter's list has only an unsafe fix:
    the list names another service whose gate fixer cannot vouch for (a redis probe that
    reads an unset password), and C003 writes the whole list out in one fix."""
    stack = service.stack.services
    for waiter in (stack[name] for name in waiters if name in stack):
        for entry in dependencies(waiter):
            if entry.name != service.name or entry.condition is not None:
                continue
            listed = depends_plan.plan(ws, waiter, entry.doc, entry.definition,
                                       {service.name: HEALTHY})
            if listed.doubt is not None and listed.waits is None and listed.refused is None:
                return (f"{waiter.name} waits for {service.name} with a plain depends_on "
                        "entry, which a healthcheck makes a C003 finding whose fix writes "
                        f"the whole list out, and {listed.doubt}")
    return None


def _plain_waiters(ws: Workspace, service: BuiltService) -> list[tuple[str, str | None]]:
    """The services that wait for this one with a plain `depends_on` entry C003 would then
    convert (not where C003 is turned off), each with why fixer cannot edit that entry
    (None: it can)."""
    per_stack = ws.derived.get(_WAITERS, dict)
    if service.stack.name not in per_stack:
        per_stack[service.stack.name] = _plain_waits(ws, service.stack)
    return per_stack[service.stack.name].get(service.name, [])


def _plain_waits(ws: Workspace, stack: Stack) -> dict[str, list[tuple[str, str | None]]]:
    """Found once per stack: C004 asks for every service it would give a healthcheck."""
    found: dict[str, list[tuple[str, str | None]]] = {}
    for waiter in stack.services.values():
        if waiter.app is None:   # C003 leaves an image's depends_on to its author
            continue
        for entry in dependencies(waiter):
            if entry.condition is not None or entry.name not in stack.services or \
                    entry.listed and list_only(ws, entry.doc.path):   # C003 leaves it alone
                continue
            why = conditions_refused(entry.doc, entry.definition, {entry.name: HEALTHY})
            line = entry_line(entry.doc, entry.definition, entry.node)
            if not turned_off(ws, "C003", waiter.name, entry.doc.path, line):
                found.setdefault(entry.name, []).append((waiter.name, why))
    return found


def _edits(builders: tuple[EditBuilder, ...]) -> list[Edit]:
    """The fix's edits, each choice's in turn: the healthcheck, the route, the install."""
    return [edit for build in builders for edit in build()]


def _route(ws: Workspace, service: Service, health_plan: HealthPlan) -> Choice:
    """The path to probe: a route the app serves, or the one H001 adds (added here too,
    so that the probe is right even in a run without H001)."""
    path = health_plan.path
    if health_plan.doubt == LOCALHOST_REFUSED:   # not a doubt: no probe of localhost passes
        return Choice(block=f"{LOCALHOST_REFUSED}: a probe of `{path or '/health'}` there "
                            "never passes (allow localhost, or probe with a host it allows)")
    refused = refused_probe(ws, service, health_plan.served) \
        if health_plan.source is Source.SERVED and health_plan.served is not None else ""
    if refused:   # a probe sends no credentials: it never passes
        return Choice(block=f"{path}: {refused}, and a probe sends none, so the healthcheck "
                            "would never pass: serve a health route outside the guard")
    if health_plan.source is Source.SERVED and path:
        served = health_plan.served   # a guard or an error answer says what it is itself
        own = route_doubt(served) if served is not None else ""
        return Choice((path,), doubt=own or (f"{health_plan.doubt}: fixer cannot vouch that "
                                             f"the app serves `{path}` as its code writes it"
                                             if health_plan.doubt else None))
    if health_plan.source is Source.LITERAL and path:
        doubt = (f"{health_plan.why}: `{path}` is a health path its code names"
                 f"{health_plan.named}, not a route fixer sees it serve")
        probed = _probed_beside(ws, service, path)
        if probed is not None:   # the same image's own probe shows the prefix it serves it under
            return Choice((probed[0],), doubt=f"{doubt}; {probed[1]} probes the same image at "
                                              f"`{probed[0]}`")
        return Choice((path,), doubt=doubt)
    if health_plan.source is not Source.ADDED or not path:
        return Choice(block=f"fixer cannot tell which path to probe: {health_plan.why}")
    if health_plan.like is not None:   # the route H002 would point a probe at; its guards
        # count as a served health route's (a router included with `dependencies=`)
        refused = like_router_guard(ws, service, health_plan.like)
        if refused:   # behind `dependencies=` (an auth check) a probe may never pass: H001's
            # route beside it is the way, and a second health route the user's call
            return Choice(block=f"{refused}; H001's unsafe fix adds an unguarded GET /health "
                                "beside it (the user's call), which a healthcheck can then "
                                "probe", follows=(("H001", service.name),))
        guard = like_doubt(ws, service, health_plan.like)
        # where in doubt, said of that route (`like_noted`), not as the doubt of a route H001
        # would add beside it (a second health route), which this fix does not add
        unread = health_plan.like_noted
        return Choice((health_plan.like,), doubt=guard or (
            f"{unread}: fixer cannot vouch that the app serves `{health_plan.like}` as its "
            "code writes it" if unread else None))
    if health_plan.several and health_plan.doubt == several_doubt(health_plan.several):
        return Choice(block=f"{health_plan.doubt}: which of them to probe is the author's call "
                            "(`health-paths` in the configuration counts a path as one)")
    if health_plan.doubt:
        # where fixer could not read every route, it saw none it can probe: it may be there
        seen = "fixer sees no health route of the app" if health_plan.why else \
            "the app serves no health route"
        return Choice(block=f"{seen}, and fixer cannot vouch that one "
                            f"added with a decorator would work: {health_plan.doubt}")
    found = served_app(ws, service)   # asked where H001 reports, so that its comment counts
    if found is not None and ignored(ws, "H001", service.name, *app_created_at(found[1])):
        return Choice(block="the app serves no health route, and H001, which adds one, is "
                            "turned off for this service")
    routes = addable(ws, service, path)
    if routes is None:
        return Choice(block="the app serves no health route, and fixer cannot add one")
    # the route goes with the healthchecks of every stack running the app (a prod stack's
    # beside a pulled image's): unsafe here where it is unsafe for one of them
    pulled = pulled_without_app_route(ws, routes.sites[0].path) \
        if published_image(service) is None else None
    python = code_python(ws, service)
    return Choice((path,), partial(route_edits, routes, path, python),
                  f"the GET {path} route it probes ({routes.sites[0].path})",
                  doubt=late_health(routes, [path]) or health_plan.gated or pulled
                  or served_as_tools(routes) or annotation_doubt(routes, python)
                  or unanchored_doubt(health_plan.unanchored))


def _unknown_base(image: str, python: str) -> str:
    """Why the probe of an image fixer does not know is unsafe: it assumes a Python."""
    if image.split("/")[-1].startswith("micromamba"):
        # mambaorg/micromamba activates its environment in the ENTRYPOINT script, which
        # `docker exec` and a healthcheck skip, and ships no Python of its own
        return (f"the base image {image} has no system `{python}`, and its environment is on "
                "PATH only through the image's entrypoint script, which a healthcheck does not "
                f"run: the probe's `{python}` may not be found (run it through the script: "
                f"`[\"CMD\", \"/usr/local/bin/_entrypoint.sh\", \"python\", \"-c\", …]`)")
    return f"fixer does not know what the base image {image} ships; the probe assumes `{python}`"


def _tool(ws: Workspace, service: BuiltService, url: str) -> Choice:
    """The probe, run by a tool the final stage has or that this fix installs in it."""
    dockerfile, stage = service.app.dockerfile, service.app.stage
    args = service.build_args()
    family = family_of(dockerfile, stage, args)
    python = python_argv(family.python or "python3", url)
    present = tools_present(dockerfile, stage, args)   # an unknown base's too: what it installs
    variant = service.app.build.variant()
    if (_bases_picked_by_args(ws, service) or variant) and family.known:
        # compose's build args pick the base (`BASE_IMAGE: python:3.12-alpine`), or a variable
        # picks the Dockerfile: an install written into one base or file leaves the other
        # builds without the tool, so nothing is installed
        found = _present_probe(present - {"python"}, python, url, ws.config.healthcheck_strategy)
        if found is not None or family.python is not None:
            return found or Choice(("CMD", *python))
        return Choice(block=variant or f"compose's build args pick the base image "
                            f"({base_image(dockerfile, stage, args)}), which has neither curl "
                            "nor wget: fixer installs none into an image chosen at build time")
    if not family.known:   # which `python` an install brings is not known: curl or wget
        installed = _present_probe(present - {"python"}, python, url,
                                   ws.config.healthcheck_strategy)
        # an install of the package of the probe's name puts the command on the system's
        # PATH (`apk add python3`); a command that runs it by name proves nothing where the
        # base image's own ENTRYPOINT, unknown too, may put it there first
        sure = installs_package(dockerfile, stage, python[0])
        return installed or Choice(("CMD", *python), doubt=None if sure else _unknown_base(
            base_image(dockerfile, stage), python[0]))
    if ws.config.healthcheck_strategy == "python":
        return Choice(("CMD", *python))
    image = published_image(service)
    if image is not None and family.python is not None and not {"curl", "wget"} & family.tools:
        # a deployment may pull the published image, which may predate a curl the
        # Dockerfile installs: the image's Python probes the pulled and the built one alike
        # (and a second run chooses the same probe as the first)
        return Choice(("CMD", *python), says=f"a Python urllib probe (compose also names the "
                                             f"image {image}, which may be pulled rather "
                                             "than built)")
    found = _present_probe(present - {"python"}, python, url, "install")
    if found is not None:
        return found
    if ws.config.healthcheck_strategy == "auto" and family.python is not None and \
            _python_probes_here(ws, service):
        return Choice(("CMD", *python), says="a Python urllib probe, as the stack's others")
    if family.manager is None:
        return Choice(block=f"a {family.label} image has neither curl nor wget, nor a package "
                            'manager to install one; healthcheck-strategy = "python" probes '
                            "with the image's Python")
    # D003 installs tools; it reports at the final stage's FROM, where its comment goes
    at = stage.instructions[0].line if stage.instructions else 1
    if ignored(ws, "D003", service.name, dockerfile.path, at):
        if family.python is not None:
            return Choice(("CMD", *python), says="a Python urllib probe (D003, which installs "
                                                 "curl, is turned off)")
        return Choice(block="the final stage lacks curl, and D003, which installs it, is "
                            "turned off for this service")
    image = base_image(dockerfile, stage)
    where = placement(dockerfile, stage, family.manager, ["curl"], image, pragmas(ws))
    if (where.no_packages or where.undone) and family.python is not None:
        # the title is a commit subject: the why (an archived release) stays short here
        why = "the build removes curl" if where.undone else "the image's package archive is gone"
        return Choice(("CMD", *python), says=f"a Python urllib probe ({why})")
    if where.doubt is not None and family.python is not None and \
            ws.config.healthcheck_strategy != "install":
        return Choice(("CMD", *python), says="a Python urllib probe (the image's Debian "
                                             "release is past its support)")
    if where.reason is not None and family.python is not None:
        return Choice(("CMD", *python), says="a Python urllib probe (curl cannot be "
                                             "installed in the final stage)")
    if where.reason is not None:
        return Choice(block=f"the final stage lacks curl and fixer cannot install it: "
                            f"{where.reason}")
    return Choice(("CMD", "curl", "-f", url), partial(install_edits, where),
                  f"curl installed in {dockerfile.path}", doubt=where.doubt)


# a probe of the container itself: `http://localhost:8000/api/v1/health`, its path
_LOCAL_PROBE = lazy_compile(r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?"
                            r"(/[^\s'\"?#]*)")


def _probed_beside(ws: Workspace, service: Service, path: str) -> tuple[str, str] | None:
    """(path, where) of the probe another service building the same image writes in its
    compose healthcheck, where that path ends with the health path the app's code names
    (`/api/v1/health` for `/health`, under a router prefix fixer could not read)."""
    if not isinstance(service, BuiltService):
        return None
    by_image = ws.derived.get(_BUILDERS, lambda: _builders(ws))
    for other in by_image[service.app.stage_key]:
        found = other.get("healthcheck") if other is not service else None
        if found is None:
            continue
        doc, test = found
        for match in _LOCAL_PROBE.finditer(" ".join(string_list(get(test, "test")) or [])):
            probed = match.group(1).rstrip("/") or "/"
            if probed == path or probed.endswith(path if path.startswith("/") else "/" + path):
                return probed, f"{doc.path}:{doc.line(test.node)}"
    return None


def _python_probes_here(ws: Workspace, service: BuiltService) -> bool:
    """The stack's other compose healthchecks probe HTTP with Python's urllib, and none with
    curl or wget: its authors keep curl out of their images, and a curl install here would
    be the one exception (`healthcheck-strategy` still decides where it is set). The
    services of other stacks that build the same image count too (a `compose.yaml` beside
    the `docker-compose.yml` it replaced)."""
    stage = service.app.stage_key
    by_image = ws.derived.get(_BUILDERS, lambda: _builders(ws))
    in_stack = ws.derived.keyed(_STACK_PROBE_TOOLS, service.stack,
                                lambda: _probe_tools(service.stack.services.values()))
    in_stage = ws.derived.keyed(_STAGE_PROBE_TOOLS, stage, lambda: _probe_tools(by_image[stage]))
    return (in_stack | in_stage) == {"python"}


# per workspace: the HTTP probe tools of each stack's compose healthchecks, and of those of
# the services building each final stage (asked for each service: a walk of every service
# of the stack each time grew with the square of the services)
_STACK_PROBE_TOOLS: Memo[dict[Stack, frozenset[str]]] = Memo("a stack's probe tools")
_STAGE_PROBE_TOOLS: Memo[dict[StageKey, frozenset[str]]] = Memo("a stage's probe tools")


def _probe_tools(services: Iterable[Service]) -> frozenset[str]:
    """`python` for a healthcheck probing with urllib, `curl` for one running curl or wget."""
    tools: set[str] = set()
    for other in services:
        test = other.get("healthcheck")
        argv = string_list(get(test[1], "test")) if test is not None else None
        text = " ".join(argv or [])
        if "urlopen" in text and "python" in text:
            tools.add("python")
        elif re.search(r"(?<![\w-])(?:curl|wget)(?![\w-])", text):
            tools.add("curl")
    return frozenset(tools)


# per workspace: each final stage a service builds -> the services, of any stack, building it
_BUILDERS: Memo[dict[StageKey, list[BuiltService]]] = Memo("services per built stage")


def _builders(ws: Workspace) -> dict[StageKey, list[BuiltService]]:
    found: dict[StageKey, list[BuiltService]] = {}
    for other in ws.apps():
        found.setdefault(other.app.stage_key, []).append(other)
    return found


def _bases_picked_by_args(ws: Workspace, service: BuiltService) -> bool:
    """Compose's build args choose the base image of the service's final stage: its own
    (`BASE_IMAGE: python:3.12-alpine` over the Dockerfile's slim default), or those of
    another service, of any stack, that builds the same stage; or a build script sets the
    argument (CI building the file on Alpine too)."""
    return len(ws.derived.get(_BASES, lambda: _bases(ws))[service.app.stage_key]) > 1 or \
        base_argument_set(ws, service.app.dockerfile, service.app.stage) is not None


# per workspace: each final stage a service builds -> the base images it is built from (the
# Dockerfile's own, and each with the build args of every service that builds it)
_BASES: Memo[dict[StageKey, set[str]]] = Memo("base images per built stage")


def _bases(ws: Workspace) -> dict[StageKey, set[str]]:
    found: dict[StageKey, set[str]] = {}
    for other in ws.apps():
        app = other.app
        found.setdefault(app.stage_key, {base_image(app.dockerfile, app.stage)}).add(
            base_image(app.dockerfile, app.stage, other.build_args()))
    return found


def _present_probe(present: set[str], python: list[str], url: str,
                   strategy: str) -> Choice | None:
    """The probe run by a tool of `present` (curl, then wget; Python when the strategy is
    `python` or it is the only one), or None."""
    if strategy != "python" and "curl" in present:
        return Choice(("CMD", "curl", "-f", url))
    if strategy != "python" and "wget" in present:
        return Choice(("CMD", "wget", "-q", "-O", "/dev/null", _wget_url(url)))
    return Choice(("CMD", *python)) if "python" in present else None


def _wget_url(url: str) -> str:
    """The probe's URL for wget: the IPv4 loopback, not `localhost`. BusyBox wget (Alpine)
    tries `::1` first, as /etc/hosts lists it, and does not go on to 127.0.0.1, where
    uvicorn `--host 0.0.0.0` listens: the container would never be healthy."""
    return url.replace("://localhost:", "://127.0.0.1:", 1)


def _healthcheck(service: Service, doc: ComposeDoc, test: tuple[str, ...]) -> Choice:
    """The compose `healthcheck:` entry, judged where `add_entry` will put it."""
    definition = doc.services.get(service.name)
    if definition is None or definition.aliased:
        return Choice(block="the service is defined through a YAML alias")
    try:
        at = entry_point(doc, definition.node)
    except Unfixable as exc:
        return Choice(block=str(exc))
    shared = doc.shared_anchor_at(at, at)
    if shared is not None:  # `api: &api` merged into another service: it would get it too
        return Choice(block=f"{service.name} is defined in the YAML anchor &{shared}, which "
                            "other services share; a healthcheck added there reaches them too")
    return Choice(build=partial(_healthcheck_edits, doc, definition.node, test))


def _healthcheck_edits(doc: ComposeDoc, mapping: Node, test: tuple[str, ...]) -> list[Edit]:
    style = compose_style.detect_for(doc, mapping)
    value = Map((("test", Flow(test) if style.flow_tests else Seq(test)), *TIMINGS))
    return [add_entry(doc, mapping, "healthcheck", value, style)]

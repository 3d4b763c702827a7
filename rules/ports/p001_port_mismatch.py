"""Compose sends traffic to a container port the app does not listen on.

## What it does
Compares the container ports the repository claims for an app service with the port
the app listens on (compose `command:`, else the final stage's CMD/ENTRYPOINT, its own or
inherited from the stage it is built FROM (`FROM base AS release` with no CMD runs base's;
an image built on `tiangolo/uvicorn-gunicorn-fastapi` with none runs that image's own start,
gunicorn on `PORT`, 80 by default, or `BIND`), else
`uvicorn.run(port=...)` (a name the script or its `if __name__ == "__main__":` block
assigns once, `port = int(os.getenv("PORT", "8000"))`, read through), else the server's
default; of several `uvicorn.run` calls in the
script, the one its `if __name__ == "__main__":` block makes, or any where they all serve
one app on one port (a debug branch with `reload=True` beside the other), and none is read
when the port comes in `**kwargs`). A variable the command reads (`--port $PORT`) is read from the
container's environment: the image's `ENV` (of the stages it is built from too; `ENV
PORT=${PORT}` carries an `ARG`'s value, and an `ARG PORT` with no value takes the default
of the global `ARG PORT=8000` declared before the first FROM, unless compose's
`build.args` sets it), compose's `environment` and `env_file`. An `ARG`
alone is gone at run time, and Docker substitutes no variable in CMD, ENTRYPOINT or
HEALTHCHECK: the port is unknown, and no fix rewrites the `ARG`. So it is where the server
is given another server's listen option, which it refuses before it listens (`--host` and
`--port` to gunicorn, `--bind` to uvicorn): no option added beside it would start it.
Claims are `ports` targets,
`expose`, local healthcheck URLs, traefik `loadbalancer.server.port` labels, nginx-proxy's
`VIRTUAL_PORT` in the service's `environment:`, and
`http(s)://` / `ws(s)://` URLs naming the service in other services' compose values,
the stack's `.env`, `env_file`s and nginx configuration (`proxy_pass`, `upstream`
servers). nginx configuration is what an nginx service mounts or builds from: a
`*.conf` file, a file of any name mounted under `/etc/nginx/` (a template) or OpenResty's
`/usr/local/openresty/nginx/conf/`, and a Compose config (`configs:`) mounted there,
whether its `file:` is in the repository or its `content:` is written inline. A URL or
upstream server with no port (`proxy_pass http://api;`, `server api;`,
`API_URL: http://api`) calls its scheme's port, 80 (443 for https): it counts only where
the app listens there, as a peer that keeps it there (it is often joined to a port
elsewhere, `API_HOST` beside `API_PORT`, so it never makes a finding of its own); a fix
would have no digits to rewrite in it. URLs of other schemes (`grpc://`, `amqp://`) reach
other listeners and are not judged, nor are the `ports`/`expose` targets they reach; once
one `ports`/`expose` target is the listen port, the other targets are other listeners too
(a metrics port), also when the listen port is in a range of targets
(`8000-8001:8000-8001`), and where the command starts nginx beside the app (`uvicorn ...
--port 8001 & exec nginx`) whose configuration in the build context listens on the
compose port (`listen 8000;`): that port is nginx's. A range that does not hold it makes
the finding display-only:
which of the ports is the app's is the author's call. So does a service whose `ports` and
`expose` map only ranges (no single target), none of them holding the listen port
(`8000-8001:8000-8001` for an app on 8002): what they publish reaches no listener; a
`/udp` range, or one that holds a second listener's port, is another listener's; so is
a port a Python file of the build context opens a debugger on (`debugpy.listen(("0.0.0.0",
5679))` in a test's conftest.py), or a command of a file of the build context or a compose
file does (`python -m debugpy --listen 0.0.0.0:5678` in a `Dockerfile-dev` beside the
Dockerfile built here, which another compose file builds for the same service). The
`ports` and `expose` of a service with `network_mode: host` claim nothing: Docker ignores
them, and the app is reached on the host's port it listens on.
So is a port the final stage EXPOSEs beside the listen port (`EXPOSE 8000 9100`).
So is, where another claim reaches the app on its port (a traefik label, a peer's URL), a
port the container's environment or code starts a second server on (`JUPYTER: jupyter lab
--ip=0.0.0.0` beside `8888:8888`, `start_http_server(9100)`).
Where compose also names a published image beside `build:` (`image: ghcr.io/acme/api:1.4`,
not with `pull_policy: build`), a deployment may run the image as released: with no peer
deciding, the compose side moves (`"8000:8080"`); where peers would move the app, the fix
is unsafe with the reason.
Display-only when the only claims of the other port are peers' URLs and one asks for a
path no route of the app serves, where fixer reads every route
(`LLM_URL=http://api:4000/v1/embeddings` for an app serving `/health` alone, published as
`"8006:8000"`; not a base URL written with its final `/`, nor a path routes lie under):
the URL may be meant for another server, and either move would point it at a 404. Where
fixer cannot read every route and sees none serve the path, the move is unsafe for that
reason.
Display-only when a module of the app's folder passes the claimed port to a call
(`start_http_server(9100)`, a default `"9100"`, but not the default of the variable the
app's own port is read from, `os.getenv("PORT", 8000)`) or writes it in an address
(`"[::]:50051"`; not a URL the code calls on another host, `"http://auth:8000"`), or starts a metrics server on a port it
reads at run time (`start_http_server(int(os.environ["METRICS_PORT"]))`), or when a
variable of the container's compose environment holds it (`GRPC_PORT: "50051"`, a command
`jupyter lab --port=8888`, or `jupyter lab` alone, on its default 8888, a bind
`0.0.0.0:9090`; not a URL that calls it, nor `PORT`,
`APP_PORT` and the like, which state the app's own port): a second server of the app may
listen there. So is one when the command starts a process in the
background beside the server that names the claimed port (`vllm ... --port 8001 &
uvicorn ...`) or listens there by default (`streamlit run dash.py &`, 8501), and when
the image's ENTRYPOINT script, before it runs the command, a RUN of the Dockerfile, or
the start script that runs the server, elsewhere than on its line, names the claimed port
outside a client's call (`echo 'Port 2222' >> /etc/ssh/sshd_config` for the sshd it
starts, `export PORT=3000` for the `node server.js &` in front of the app): another server
may listen there, whichever `port-source` is set.
Where Compose's own override file (`compose.override.yaml`) defines the service and the
stack has `-f` overlays too (`compose.prod.yaml`), the ports are judged once per run, as
Compose loads the override only when no `-f` is given: the base file with the override
(`docker compose up`), then the base file with the overlays and without the override
(`docker compose -f compose.yaml -f compose.prod.yaml up`), each against the port the app
listens on there; the second run judges only what the overlays write. The override's
`"8000:8000"` does not make an overlay's `"80:8080"` a second listener, and an overlay
that probes the image's port is no finding because the override runs the app on another.
An overlay's entries that differ from the port their run listens on move to it; where
peers call the service on the overlay's port, the finding is display-only (the app is not
moved for one run only).

## Why is this bad?
Published ports and peers' URLs reach a port nobody listens on, and a healthcheck
on that port never passes: the container never becomes healthy while the app itself
is fine. So every service that waits for it with `condition: service_healthy` never
starts.

## Example
```yaml
services:
  api:
    build: ./api              # CMD ["uvicorn", "app.main:app", "--port", "8001"]
    ports: ["8001:8000"]
  nginx:
    image: nginx:alpine       # nginx/default.conf: proxy_pass http://api:8001;
```

## Use instead
```yaml
    ports: ["8001:8001"]      # the port nginx calls and the app listens on
```

## Fix safety
Safe, unless the app would move in Python source. The side that stays is chosen by
evidence (`port-source = "auto"`, the default): when peers (URLs of other services,
nginx, traefik labels) all call one of the two ports, that port stays; else the port
with more references (peers, `ports`, `expose`) stays; a tie keeps what compose's
`ports`/`expose` say. A healthcheck probe is never evidence: it follows the app. A call
of the service on the listen port that fixer does not edit keeps the listen port: a
mounted Caddyfile's `reverse_proxy web:8080`, a traefik file provider's `url:
http://billing:8001`, a `wait-for-it api:8080` argument, a URL in Python source or a
frontend's configuration (`http://users:8080` as a settings default) where none calls the
other port, a `docker run` of the service's image that publishes it (`docker run -p
8001:8001 ai` in a build script, or in a Markdown guide of the root or of the service's
build folder) where none publishes the other; the compose side moves, and the call keeps
reaching the app. But
when the service's first compose file alone (`docker compose -f compose.yml`) claims the
listen port and only a later file's definition of it differs (`ports: !override
["8000:8000"]` in Compose's override), the listen port stays and that file is fixed:
moving the app would break the first file alone. When
the listen port stays, the compose side moves to it: targets, `expose`, healthcheck
URLs and every peer reference, wherever it is written (compose, `.env`, `env_file`,
nginx files), byte for byte; published host ports stay as they are. A URL in a Compose
config's inline `content:` is read but never rewritten: a move that needs it is
display-only. When the other
port stays, the app moves to it: the CMD/ENTRYPOINT port (or the `ENV`/`ARG`, compose
`environment` value or `${PORT:-N}` default it reads; a global `ARG`'s default where the
stage takes it with `ARG PORT`), `EXPOSE`, `HEALTHCHECK` URLs (a
server on its default port gets a `--port`/`--bind` flag), and the references that
called the old port move with it.

Unsafe when that port is written in Python source: `uvicorn.run(port=8001)` (or the
`os.getenv("PORT", "8001")` default it reads, or no `port=` at all) in the module the
image runs (`python -m app.main`). That call is usually the developer's local runner
under `if __name__ == "__main__"`: the module also runs outside the container, on the
port it names, and other commands may serve the same app on the image's port; Python
code that calls the app on its old port (a client, a printed URL) is not read. The
reason names the line; change the command (`uvicorn app.main:app --port 8000`) by hand,
or take the rewrite with `--unsafe-fixes`.

Unsafe too when a compose file `include:`s the service's file into a project of its own,
or the service's file includes others: fixer judges each included file as another stack,
and its services (a proxy and its configuration, other apps) may call the service on the
port the app would leave.
Unsafe too when the app would move off a port that a Kubernetes manifest of the repository
names for the service (a Deployment's `containerPort`, a Service's `targetPort`; the
manifest is the service's when one of its names begins with the service's name): the same
image runs there, and fixer edits no manifest. The reason names the manifest. The same
for a Helm chart about the service (its folder or `Chart.yaml` name begins with the
service's name, or one of its files names the service) that writes the port anywhere
(`containerPort: 8080` in `values.yaml`): fixer does not render charts. Any kind that
runs containers counts (a Knative or Cloud Run `Service`, an Argo `Rollout`). The same
for other deployment files that write the port as a container port (an ECS task
definition's `"containerPort": 8080`, Terraform's `containerPort = 8080` or
`container_port = 8080`, CloudFormation's `ContainerPort: 8080`, an AWS Copilot
manifest's `port:`, the port option of `gcloud run deploy` or `az containerapp` in a
script, Makefile, Cloud Build or CI file, 8080 for a Cloud Run deploy with no port option,
a Nomad job's `port "http" { to = 8080 }`, a
Render blueprint's `PORT`), when they name the service or its image (its compose `image:`,
or a name CI or a script builds its context with: a `docker/build-push-action` step's
`tags:` or its metadata step's `images:`, `docker build -t NAME ./api`, a Skaffold
artifact's `image:` built from its `context:`), or the repository
builds no other app (then every Kubernetes manifest counts too); a Terraform variable
counts with its `default`, or as the port when fixer cannot read it. A manifest that runs
only a well-known server's image (an `api-gateway` Deployment of envoy) is not the
service's. Unsafe too when a file deploys or runs images where fixer reads no port (a
`docker push`, `docker run` of the repository's image, `kubectl apply`, `helm upgrade` or
`deploy-cloudrun` step of a script or CI file; a Swarm stack file, helmfile or Tiltfile; a
Kubernetes manifest without ports, such as a Knative service; Terraform or an ECS task
definition naming an image) and names the service, its build folder or an image built
from it, or names none of the repository's apps: fixer cannot show the deployment still
reaches the app on its new port (Cloud Run's default 8080, App Runner's
`image_configuration`, a CI smoke test on the host network). Unsafe
as well when the app would move off its port while another service of the stack loads an
env_file that is not in the repository (a `.env` each deployment keeps, which may call the
service on that port), and when the app would move off its port in a stack with a proxy whose
configuration fixer does not read (Caddy, HAProxy, Envoy, Varnish, Kong, APISIX, KrakenD,
Tyk): it may send the service traffic on the port the app listens on now; and when a
Python file of the repository calls the service on that port (`http://users:8080` as a
settings default, or a quoted `"users:8080"` gRPC target), or a frontend's source, proxy
configuration or `.env` file does (Next.js server code's `fetch("http://api:8080/...")`, a
`next.config.js` rewrite, a Vite `proxy` target, `VITE_API_URL=http://backend:8080`), a
URL fixer does not edit; and when
the stack's
compose files, `.env`, `env_file`s or the configuration files its services mount
(a Prometheus scrape target `api:8080`) call it there without a scheme (`USERS_ADDR:
users:8080`, a `wait-for-it users:8080` argument), which fixer does not rewrite, or a
file a container reads calls it there with a scheme or without (a mounted `crontab` whose
job runs `curl http://api:8080/reindex`, a Compose config or secret it mounts, a file at
the root of a non-app service's build context, which its image may copy); and when
a build script (a CI workflow, a Makefile, a shell script) or a Markdown guide of the root
or of the service's build folder runs the image outside Compose publishing that container
port (`docker run -p 8000:8000 api` in a smoke test, over continued lines too, or a GitHub
Actions service container's `ports`; not one that gives the image a command of its own,
`docker run api pytest`), when it may be the
service's image (its name, its compose `image:`, a tag a script builds from its
Dockerfile); when another service runs the image this one builds and tags
(`image: orders-api:local` with no `build:` and no command of its own), or a service of the
same name in another stack pulls an image that may be it (`api: image: me/fastapi` in a
production file) with its `ports` written for that port; when another
service's environment names it by a host and a port variable of one prefix (`API_HOST:
api`, `API_PORT: "8080"`); and when a Fly.io `fly.toml` deploys the same Dockerfile with
that `internal_port`; and when an `env_file` of the service sets nginx-proxy's
`VIRTUAL_PORT` to that port (one in compose's `environment:` moves with the app).

No finding for a service with `extends:`: the service it extends may set the command
that sets the port, and fixer does not follow `extends:`. Nor where the app reads its port
from a variable (`--port ${PORT:-8000}`) that an `env_file` of the service the repository
does not hold may set (`.env.local`, which each deployment writes), and compose's
`environment` does not: the default is one value of it, and the deployment's may be the
one compose publishes. Unsafe, with the reason, where
another service `extends` the one it fixes: the ports, healthcheck and image the fix
changes are inherited there, where the app may listen elsewhere (its own `command:`).

A peer URL in `environment` that a later file of the stack sets again (the override's
`API_URL` over the base file's) is no evidence: Compose merges `environment` variable by
variable, and the container never gets the earlier value. It still moves with the others
where the compose side moves, for a run without the later file.

The image's own `HEALTHCHECK`, where the service runs it (compose sets no test of its own),
is a claim too: one whose local URLs all probe another port than the listen port never
passes (`HEALTHCHECK CMD curl -f http://localhost:8000/health` above `CMD [..., "--port",
"9000"]`). The probe follows the app: its port is rewritten (safe), and no other fix waits
for the listen port to settle. Display-only when the final stage inherits the HEALTHCHECK
from an earlier stage (other images may be built from it), when another service builds the
image and listens elsewhere or runs the image it tags, when the image is published
(`image:` of a registry beside `build:`: deployments may run it with another command), when
the port is read from a variable (`--port ${PORT:-9000}`: a deployment's environment may
set it), and when the port is one compose's `command:` or `environment` sets for this
service (the image's own command listens where the probe asks): a compose healthcheck is
the fix there. No finding where another server may listen on the probed port: one the
command starts beside the app (nginx, a second `uvicorn`), a port the image EXPOSEs beside
the listen port (`EXPOSE 8000 9100`), one a module passes to a call
(`start_http_server(9100)`). Moving an app whose service runs the image's HEALTHCHECK by a
compose edit alone (its `command:`, when other services build the image) is display-only
when the probe would stay on the port the app leaves, or probes a port fixer cannot read
(`${PORT:-8000}`, a `python healthcheck.py` script): the container may never be healthy.

Display-only when the claims are ambiguous (several different ports), interpolated
(`${VAR}`), reached through a YAML alias, when nginx calls the service on a port set
at run time (`proxy_pass http://api:${API_PORT}` in a template), or when the app side
would be edited in a stage that another stage of the Dockerfile is built FROM too (the
`base` whose CMD `release` inherits, beside `FROM base AS worker`): the edit would change
that image as well. Display-only too when the app side
is a Dockerfile that other services build and the edit would be wrong for one of them:
a service that runs the same CMD (it moves too) but is called on another port as well
(its own healthcheck on the port the app leaves, beside a `ports` entry on the new one), or a
service with its own compose `command:` or `environment` that listens on the port the
app leaves (the image's CMD, `EXPOSE` and `HEALTHCHECK` are its too). The reason names
compose's side as the way out (`--port-source dockerfile`), except where a folder the
service mounts holds a module that serves on the port compose expects
(`uvicorn.run(app, port=8002)` in services/task-service/main.py): the service may lack a
`command:` of its own, and the reason names that module. Display-only too
when the port is the default of a global `ARG` (before the first FROM) that a FROM line
or another stage reads as well (a `docs` stage's own `ARG PORT`, a `dev` stage built
FROM the app's): the rewritten default would change that image too. Display-only as well
when a `-f` overlay (a compose file loaded after the base, not Compose's own override file)
sets the service's `command`, `entrypoint` or `build` (or its `environment`/`env_file`
when the port is read from a variable): fixer judges the stack with the overlay merged,
and the base file also runs without it, so a port moved for one may break the other. So
is a service that Compose's own override file runs on another port than the base file
alone (a dev `command` on 8001): `docker compose -f compose.yaml up` leaves the override
out; and one whose app would move while that override sets its `command`, `entrypoint` or
a `build` of another context, Dockerfile or stage (a dev `command` on the image's own
port; build args alone are none): the move would edit the command the
merged stack runs, and the base file alone would keep the old port. An edit of the
service's own compose lines is never held back. `/udp` entries and interpolations that
the stack's `.env` leaves without a value are not judged, nor are port ranges beyond what
is said above.
Display-only as well when the app would move and its server is started by a `#!` shell
script that the CMD or compose `command:` runs (`CMD ["/start.sh"]`, its last line `exec
uvicorn main:app --port 8080`): fixer reads the port there but edits no shell script, and
a port variable the script sets itself leaves the port unknown.

## Options
`port-source = "auto" | "compose" | "dockerfile"` (`--port-source`). `auto` (the
default) weighs the references as above. `compose` takes compose's port as the truth
and moves the app (unless compose already agrees with the app somewhere: then only its
odd entries move); `dockerfile` takes the listen port as the truth and moves compose.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from fixer.core.exclude import ExcludingSource
from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.wording import how_loaded, names
from fixer.core.numbers import number
from fixer.core.textfile import TextFile
from fixer.facts.database.images import family
from fixer.facts.image.builttags import built_images, joined_lines, script_texts
from fixer.facts.ports.checkout import unseen_port_env_file
from fixer.facts.ports.claims import (
    ContainerPort,
    PortRange,
    heard,
    own_ports,
    target_ranges,
)
from fixer.facts.ports.deployments import deployment_port, deployment_ports
from fixer.facts.ports.deploysignals import deployment_of, other_marks
from fixer.facts.ports.dockerrun import docker_runs, run_image, runs_a_command
from fixer.facts.ports.kubernetes import builds_one_app, deployed_images, helm_port, ports_for
from fixer.facts.ports.references import (
    bare_addresses,
    file_calls,
    service_claims,
    source_urls,
    unread_proxies,
)
from fixer.facts.ports.side import DIRECT, Side, choose, http_claims
from fixer.facts.health.healthroute import served_app
from fixer.model.appservice import app_services
from fixer.model.extends import extenders
from fixer.model.rule import Category, Fix, Location, Safety, Severity, Violation
from fixer.model.listen import ListenPort
from fixer.model.services import (
    BuiltService,
    Service,
    Stack,
    by_stage,
    published_image,
)
from fixer.model.stacks import included_paths, is_auto_override
from fixer.model.workspace import Workspace
from fixer.sources.compose import Value, get, mapping_or_list, scalar
from fixer.sources.fastapi_routes import UNKNOWN, AppRoutes
from fixer.sources.portsites import Site
from fixer.sources.workflows import is_workflow, workflow_jobs

from .imageprobe import image_probe, probe_left_behind
from .listeners import debugger_ports, named_in_environment, opened_in_code, second_listeners
from .portfix import (
    PortMove,
    app_side_move,
    beside_the_server,
    listen_causes,
    nginx_beside_listens,
    python_source_doubt,
    stage_causes,
    started_by_the_image,
)

CODE = "P001"
NAME = "port-mismatch"
CATEGORY = Category.PORTS
SEVERITY = Severity.ERROR
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
# Port fixes go first: healthchecks and EXPOSE that other rules write use the listen port.
FIX_ORDER = 10
# Its findings dispute the port the app listens on: while one has no safe fix, the fixes
# that write that port (C004's probe, P002's EXPOSE) are held (engine/gates.py).
SETTLES_PORT = True


def detect(ws: Workspace) -> Iterator[Violation]:
    # Every built service of a stage, app service or not: a worker or a Flask app that
    # builds the same Dockerfile shares its CMD, EXPOSE and HEALTHCHECK too.
    builders = by_stage(ws.apps())
    for service in app_services(ws):
        report = _check(ws, service, builders[service.app.stage_key])
        if report is None and service.get("extends") is None and len(_runs(ws, service)) == 1:
            report = image_probe(ws, service, builders[service.app.stage_key])
        if report is not None:
            yield report


@dataclass(frozen=True)
class _Run:
    """The compose files one `docker compose` run loads, as the service's ports are judged
    there: where it listens, and the files whose claims do not count."""

    listen: ListenPort
    left_out: frozenset[str] = frozenset()
    # Compose's own override file, when the run is `-f` files that leave it out (the app
    # side is not moved there); the files whose claims are judged there, the overlays that
    # run only so (None: every file's); and how the message names the run
    override: str | None = None
    judged: frozenset[str] | None = None
    named: str = ""


def _runs(ws: Workspace, service: BuiltService) -> list[_Run]:
    """The runs the service's ports are judged in: the stack with every file merged, or
    where Compose's override file defines the service beside `-f` overlays, the two runs
    that load them (`docker compose up` loads the override, and `docker compose -f
    compose.yaml -f compose.prod.yaml up` does not): merged, the override's port would
    count as the overlay's, or the other way round. The second run judges only what the
    overlays write: the other files' claims are judged with the override, which a `-f`
    run may name too."""
    docs = service.stack.docs
    overrides = ws.left_out_by_overlays(service.stack)
    left_out = frozenset(d.path for d in overrides)
    if all(d.path not in left_out for d, _value in service.definitions):
        return [_Run(service.app.listen)]
    overlays = [d for d in docs[1:] if d.path not in left_out]
    paths = frozenset(d.path for d in overlays)
    run = "docker compose " + " ".join(f"-f {d.path}" for d in docs if d.path not in left_out)
    return [_Run(ws.listen_without(service, overlays), paths),
            _Run(ws.listen_without(service, overrides), left_out, overrides[0].path, paths,
                 f" under `{run}`, which leaves {overrides[0].path} out")]


def _check(ws: Workspace, service: BuiltService, builders: list[BuiltService]) -> Violation | None:
    if service.get("extends") is not None:
        return None   # `extends:` may bring the command that sets the port: not followed
    found = service_claims(ws, service)
    for run in _runs(ws, service):
        report = _check_run(ws, service, builders, run,
                            [p for p in found if p.path not in run.left_out])
        if report is not None:
            return report
    return None


def _check_run(ws: Workspace, service: BuiltService, builders: list[BuiltService], run: _Run,
               found: list[ContainerPort]) -> Violation | None:
    listen = run.listen.port
    if listen is None or unseen_port_env_file(ws, service) is not None:
        return None   # none, or each deployment's: an env_file it writes may set the port
    # An interpolation with no value in .env tells nothing: it is not judged.
    claims = heard(found, listen)
    if service.scalar("network_mode") == "host":   # Docker drops `ports:` and `expose:`
        claims = [p for p in claims if p.kind not in DIRECT]   # there: no port is mapped
    known = [p for p in claims if not p.udp and p.effective is not None]
    ports = http_claims(known, listen)
    # a port the image EXPOSEs beside the listen port is a second listener's (a metrics
    # server on 9100): a caller of it calls that, not the app on the wrong port
    other = second_listeners(service.app, listen) | nginx_beside_listens(ws, service)
    ranges = [] if service.scalar("network_mode") == "host" else \
        [r for r in target_ranges(service) if r.path not in run.left_out]
    if any(listen in r.span for r in ranges):   # the app's port is a target: the
        other |= {p.effective for p in ports   # other targets are other listeners'
                  if p.kind in DIRECT and p.effective is not None}
    # what the run judges, and so what a fix may move: in a run of `-f` overlays, theirs
    judged = [p for p in ports if run.judged is None or p.path in run.judged]
    # a value a later file replaces disputes nothing, and is moved with the others
    wrong = [p for p in judged if p.effective != listen and p.effective not in other
             and not p.replaced]
    if wrong:   # a port the service's code opens a debugger on is that listener's
        debugging = debugger_ports(ws, service, [p.effective for p in wrong
                                                 if p.effective is not None])
        wrong = [p for p in wrong if p.effective not in debugging]
    if wrong and any(p.effective == listen for p in judged):
        wrong = [p for p in wrong if not _second_server(ws, service, p)]
    if not wrong:
        return _range_only(ws, service, run, claims, ranges, other)
    first = wrong[0]
    claimed = sorted({p.effective for p in wrong if p.effective is not None})
    where = ", ".join(sorted({p.kind for p in wrong}))
    message = (f"{service.name}: compose expects container port "
               f"{'/'.join(map(str, claimed))} ({where}) but the app listens on "
               f"{listen} ({run.listen.origin}){run.named}")
    causes = _causes(ws, service, claims)
    fix: Fix | None = None   # the finding is built once, when its fix and reason are known
    reason = _unjudged_range(ranges) or _ambiguity(wrong, claimed) or _runtime_proxy(claims) or \
        _overlay_doubt(service) or _override_doubt(ws, service) or \
        opened_in_code(ws, service, claimed) or named_in_environment(ws, service, claimed) or \
        beside_the_server(ws, service, claimed) or started_by_the_image(ws, service, claimed) or \
        _unserved_call(ws, service, wrong)
    if reason is None:
        side = choose(ws.config.port_source, [p for p in ports if not p.replaced], listen,
                      claimed[0])
        if side.port != listen and side.evidence is None and published_image(service) and \
                ws.config.port_source == "auto":
            side = Side(listen, None)   # the image as released keeps its port: compose follows
        elif side.port != listen and ws.config.port_source == "auto" and \
                _first_file_agrees(service, wrong, listen):
            side = Side(listen, None)   # the base file alone agrees with the app: moving the
            # app would break it, and the file that differs is the one to fix
        elif side.port != listen and run.override is not None and side.evidence is None:
            side = Side(listen, None)   # the overlay's entries follow the port its run listens on
        elif side.port != listen and ws.config.port_source == "auto":
            side = _pinned(ws, service, listen, ports) or side
        move, reason, title = _plan(ws, service, builders, judged, listen, side, run.override) \
            if 0 < side.port < 65536 else \
            (None, f"{side.port} is no TCP port (1-65535): no server can listen there", "")
        left = probe_left_behind(service, move, listen) if move is not None else None
        left = left or (_override_sets_server(service) if move is not None and
                        side.port != listen else None)
        if left is not None:
            move, reason = None, left
        shared = ws.shared_anchor(move.spans()) if move is not None else None
        if shared is not None:
            reason = f"the port is written in the YAML anchor &{shared}, which other services share"
        elif move is not None:
            moves_app = side.port != listen
            doubt = (_manifest_doubt(ws, service, listen) or _pulled_doubt(service) or
                     _unread_proxy_doubt(ws, service, listen) or
                     _source_url_doubt(ws, service, listen) or
                     _unseen_env_doubt(ws, service, listen) or
                     _docker_run_doubt(ws, service, listen) or
                     _pulled_elsewhere_doubt(ws, service, listen) or
                     _image_users_doubt(ws, service, listen) or
                     _host_port_doubt(ws, service, listen) or
                     _fly_doubt(ws, service, listen) or
                     _virtual_port_doubt(ws, service, listen) or
                     _bare_address_doubt(ws, service, listen) or
                     _included_doubt(ws, service, listen) or
                     _deployment_doubt(ws, service, listen) or
                     _excluded_doubt(ws, service, listen) or
                     _unmatched_call(ws, service, wrong)) if moves_app else \
                _unmatched_call(ws, service, wrong)
            fix, reason = _offered(ws, move, title, doubt or _extended_doubt(ws, service))
            # a safe fix of compose's side leaves the app on its port: what a healthcheck
            # or an EXPOSE writes of that port stands whether or not this fix is made
            keeps = fix.safety is Safety.SAFE and not moves_app
            return Violation(message, first.path, first.line, first.column, service.name,
                             "port", fix, reason, causes=causes, keeps_port=keeps)
    return Violation(message, first.path, first.line, first.column, service.name, "port", fix,
                     reason, causes=causes)


def _second_server(ws: Workspace, service: BuiltService, claim: ContainerPort) -> bool:
    """Whether a claim of another port than the one the stack also reaches the app on (a
    traefik label, a peer's URL, a target) is a second server's that the container's code or
    environment starts there (`JUPYTER: jupyter lab --ip=0.0.0.0` beside `8888:8888`): no
    mismatch, as a debugger's port is none."""
    port = claim.effective
    return port is not None and (opened_in_code(ws, service, [port]) is not None or
                                 named_in_environment(ws, service, [port]) is not None)


def _unserved_call(ws: Workspace, service: BuiltService,
                   wrong: list[ContainerPort]) -> str | None:
    """Why the claimed port may be another server's, where fixer reads every route of the
    app (`_unserved_peer`): moving either side would only point the URL at a 404."""
    found = _unserved_peer(ws, service, wrong)
    if found is None or not found[2]:
        return None
    claim, path, _known = found
    return (f"{claim.path}:{claim.line} asks {claim.raw} for {path}, which no route of the "
            "app serves: the URL may be meant for another server; which one is the author's "
            "call")


def _unmatched_call(ws: Workspace, service: BuiltService,
                    wrong: list[ContainerPort]) -> str | None:
    """Why following peers' URLs is unsafe, either way, where fixer cannot read every route
    (`_unserved_peer`): the URL may be meant for another server (a proxy beside the app),
    which moving the app to it or pointing it at the app gets wrong."""
    found = _unserved_peer(ws, service, wrong)
    if found is None or found[2]:
        return None
    claim, path, _known = found
    return (f"{claim.path}:{claim.line} asks {claim.raw} for {path}, which fixer sees no "
            "route of the app serve: the URL may be meant for another server")


def _unserved_peer(ws: Workspace, service: BuiltService,
                   wrong: list[ContainerPort]) -> tuple[ContainerPort, str, bool] | None:
    """(claim, path, whether fixer reads every route) of the first peer URL that asks for a
    path no route of the app it sees serves (`LLM_URL=http://api:4000/v1/embeddings` for an
    app of `/health` alone), where peers' URLs are the only claims of the other port
    (compose's own `ports` and `expose` agree with the app)."""
    if any(claim.kind != "peer" for claim in wrong):
        return None
    for claim in wrong:
        path = _called_path(ws, claim)
        if path is None:
            continue
        found = served_app(ws, service)
        routes = found[1] if found is not None else None
        served = routes.routes if routes is not None else []
        if not any(_route_serves(route.path, path) for route in served):
            return claim, path, routes is not None and _routes_known(routes)
    return None


def _route_serves(route: str, path: str) -> bool:
    """The route answers `path` (`_route_matches`), lies under it (`/v1` of a router's
    `/v1/items`), or ends as it does below a prefix fixer cannot read."""
    return _route_matches(route, path) or route.startswith(path + "/") or \
        (route.startswith(UNKNOWN) and path.endswith(route[len(UNKNOWN):]))


def _called_path(ws: Workspace, claim: ContainerPort) -> str | None:
    """The path a peer's URL asks for (`/v1/embeddings` of
    `http://api:4000/v1/embeddings`); None for none, `/`, or one written with a variable."""
    file = ws.scan(claim.path)
    lines = file.text.splitlines() if file is not None else []
    line = lines[claim.line - 1] if claim.raw and 0 < claim.line <= len(lines) else ""
    match = re.search(re.escape(claim.raw) + r"(/[^\s'\"`,;)]*)", line)
    path = match.group(1).split("?", 1)[0].split("#", 1)[0] if match else ""
    # a base URL (`http://api:8080/v1/`) the client adds paths to: not one path
    return path if path.rstrip("/") and not path.endswith("/") and "$" not in path and \
        "{" not in path else None


def _routes_known(routes: AppRoutes) -> bool:
    """Every route of the app is one fixer reads, with its whole path."""
    return routes.unknown is None and not routes.unseen and not routes.unfollowed and \
        all(not route.path.startswith(UNKNOWN) for route in routes.routes)


def _route_matches(route: str, path: str) -> bool:
    """The route's path answers `path`: its parameters (`/items/{id}`) match any part, a
    `{rest:path}` parameter any rest."""
    pattern = re.sub(r"\\\{[^/]*?:path\\\}", ".*", re.escape(route.rstrip("/") or "/"))
    pattern = re.sub(r"\\\{[^/]*?\\\}", "[^/]+", pattern)
    return re.fullmatch(pattern, path) is not None


def _extended_doubt(ws: Workspace, service: BuiltService) -> str | None:
    """Why a move may break another service: one `extends` this one, and inherits its
    ports, healthcheck and image, while it may listen elsewhere (its own `command:`)."""
    extended = extenders(ws, service)
    if not extended:
        return None
    verb = "extends" if len(extended) == 1 else "extend"
    return (f"{names(extended)} {verb} {service.name}: the ports, healthcheck and image "
            "this fix changes are inherited there, where the app may listen elsewhere, "
            "which fixer does not read")


def _unjudged_range(ranges: list[PortRange]) -> str | None:
    """Why no side is chosen: compose also maps a range of container ports that does not
    hold the listen port (`8000-8001:8000-8001`), which may be the app's as much as the
    single port that differs."""
    if not ranges:
        return None
    return f"compose also maps the container port range `{ranges[0].raw}`, which fixer does " \
        "not judge"


def _range_only(ws: Workspace, service: BuiltService, run: _Run, claims: list[ContainerPort],
                ranges: list[PortRange], other: set[int]) -> Violation | None:
    """The finding, display-only, when compose maps the service's container ports only as
    ranges (`8000-8001:8000-8001`, no single `ports`/`expose` target) and none holds the
    listen port: what they publish reaches no listener, and which of their ports is the
    app's is the author's call. A range that holds a second listener's port (a port the
    image EXPOSEs beside the app's) or a `/udp` one is another listener's."""
    listen = run.listen.port
    if listen is None or any(p.kind in DIRECT and not p.udp for p in claims) or \
            any(listen in r.span for r in ranges):
        return None
    unheld = [r for r in ranges if not r.udp and other.isdisjoint(r.span)
              and (run.judged is None or r.path in run.judged)]
    if not unheld:
        return None
    first = unheld[0]
    spans = "/".join(dict.fromkeys(f"{r.span.start}-{r.span.stop - 1}" for r in unheld))
    kinds = ", ".join(sorted({r.kind for r in unheld}))
    message = (f"{service.name}: compose expects container port {spans} ({kinds}) but the "
               f"app listens on {listen} ({run.listen.origin}){run.named}")
    reason = (f"compose maps only the container port range `{first.raw}`, which does not hold "
              f"the listen port {listen}: which of its ports is the app's is the author's call")
    causes = (*_causes(ws, service, claims), *(Location(r.path, r.line) for r in unheld))
    return Violation(message, first.path, first.line, first.column, service.name, "port",
                     None, reason, causes=tuple(dict.fromkeys(causes)))


# What decides the port the app listens on: a `-f` overlay that sets one of these makes the
# stack without it (the base file alone) listen elsewhere, or start another server.
_SERVER_KEYS = ("command", "entrypoint", "build")
_VARIABLE_KEYS = ("environment", "env_file")


def _pulled_doubt(service: BuiltService) -> str | None:
    """Why moving the app's port may not reach where it runs: compose also names a
    published image, which a deployment may pull as released instead of building it."""
    image = published_image(service)
    if image is None:
        return None
    return (f"compose also names the image `{image}`: a deployment that pulls it instead of "
            "building it keeps the image's port, and the compose side would follow this fix")


def _overlay_doubt(service: BuiltService) -> str | None:
    """Why no fix is offered: fixer judged the stack with a `-f` overlay merged that sets
    how the service listens, and the base file also runs without it. A port moved for the
    merged stack (the overlay's command, the base's `ports`) may break the base alone."""
    keys = _SERVER_KEYS + (_VARIABLE_KEYS if service.app.listen.variable else ())
    found = service.overlay_setting(keys)
    if found is None:
        return None
    overlay, key = found
    return (f"{overlay.path}, {how_loaded(overlay.path)}, sets {service.name}'s `{key}`, "
            "and "
            f"{service.first_doc().path} also runs without it: fixer cannot move the port "
            "for one without breaking the other")


def _override_doubt(ws: Workspace, service: BuiltService) -> str | None:
    """Why no fix is offered: Compose's own override file runs the service on another port
    than the other files alone (a dev `command` on 8001), and `-f compose.yml` leaves it
    out. A port moved for the merged stack breaks the base file alone, and the other way."""
    found = ws.without_override(service)
    if found is None:
        return None
    override, alone = found
    where = f"on {alone}" if alone is not None else "on a port fixer cannot tell"
    return (f"{override.path} runs {service.name} on {service.app.listen.port}, and "
            f"{service.first_doc().path} alone runs it {where}: fixer cannot move the port "
            "for one without breaking the other")


def _override_sets_server(service: BuiltService) -> str | None:
    """Why the app cannot move: Compose's own override file sets how the service starts
    (a dev `command:` on the same port as the image's CMD), and `-f compose.yml` runs it
    without that file. A move edits the command the merged stack runs, and the base file
    alone would keep the old port."""
    first = service.stack.docs[0]
    for doc, value in service.definitions:
        key = next((k for k in _SERVER_KEYS if _sets_server(service, value, k)), None) \
            if is_auto_override(doc, first) else None
        if key is not None:
            return (f"{doc.path} sets {service.name}'s `{key}`, and {first.path} alone runs "
                    "it without that file: fixer cannot move the app's port in both")
    return None


def _sets_server(service: BuiltService, definition: Value, key: str) -> bool:
    """The definition sets `key`, and for `build:` one that may build another image."""
    given = get(definition, key)
    return given is not None and (key != "build" or _other_image(service, given))


def _other_image(service: BuiltService, build: Value) -> bool:
    """An override's `build:` that may build another image than the base file's: another
    context, Dockerfile or stage (build args alone, `args: {DEV: "1"}`, keep the CMD)."""
    if any(get(build, key) is not None for key in ("dockerfile", "dockerfile_inline", "target")):
        return True
    context = scalar(build) or scalar(get(build, "context"))
    base = next((d for d in service.all("build") if d[1].node is not build.node), None)
    based = (scalar(base[1]) or scalar(get(base[1], "context"))) if base is not None else None
    if context is None or based is None:
        return context is not None
    return posixpath.normpath(context) != posixpath.normpath(based)


def _included_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: a compose file `include:`s the service's
    file into a project of its own, or the service's file includes others, whose services
    (a proxy and its configuration, other apps) may call it on `listen`; fixer judges each
    included file as another stack."""
    mine = {doc.path for doc in service.stack.docs}
    found = next(((root, doc) for root, doc in ws.loaded_with(mine) if doc.services), None)
    if found is not None and found[0].path not in mine:
        return (f"{found[0].path} includes {service.first_doc().path}: the services of its "
                f"project may call {service.name} on {listen}, the port the app would leave, "
                "and fixer does not read them as one stack")
    unread = next((p for doc in service.stack.docs for p in included_paths(doc)
                   if p is not None and p not in ws.compose_docs), None)
    included = found[1].path if found is not None else unread
    return None if included is None else (
        f"{service.first_doc().path} includes {included}, whose services may call "
        f"{service.name} on {listen}, the port the app would leave, and fixer reads that file "
        "as a stack of its own")


def _manifest_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: a Kubernetes manifest about the service
    sends it traffic there, or a Helm chart about it writes that port, and fixer edits no
    manifest and renders no chart."""
    images = deployed_images(ws, service.scalar("image"), service.app.dockerfile.path)
    named = [m for m in ports_for(ws, service.name, service.stack.services, images,
                                  lambda: builds_one_app(ws))
             if m.port == listen]
    if not named:
        chart = helm_port(ws, service.name, listen, lambda: builds_one_app(ws))
        if chart is not None:
            return (f"a Helm chart about {service.name} writes port {listen} ({chart[0]}:"
                    f"{chart[1]}), which the app would stop listening on; fixer does not "
                    "render or edit Helm charts")
        deployed = deployment_port(ws, service.name, images, listen,
                                   lambda: builds_one_app(ws), lambda: other_marks(ws, service))
        port = f"container port {listen}" if deployed is not None and deployed.port else \
            f"a container port set by a variable fixer cannot read (it may be {listen})"
        return None if deployed is None else (
            f"{deployed.path}:{deployed.line} deploys {service.name}'s image with {port}, "
            "which the app would stop listening on; fixer does not edit deployment files")
    return (f"{named[0].path} (Kubernetes) runs the image of {service.app.dockerfile.path} "
            f"on port {listen}, which {service.name} would stop listening on; fixer does not "
            "edit manifests")


def _first_file_agrees(service: BuiltService, wrong: list[ContainerPort], listen: int) -> bool:
    """The service's first compose file alone (`docker compose -f compose.yml`, leaving out
    Compose's override or a `-f` overlay) claims the port the app listens on, and every
    port that differs is written in a later file's definition of the service (no peer or
    proxy calls it): moving the app would break the first."""
    first = service.first_doc()
    later = {doc.path for doc, _value in service.definitions} - {first.path}
    if not later or any(p.path not in later for p in wrong):
        return False   # most services: one file defines them
    alone = Service(service.name, service.stack,
                    [(doc, value) for doc, value in service.definitions if doc is first])
    claimed = [p.effective for p in own_ports(alone) if p.effective is not None]
    return bool(claimed) and all(port == listen for port in claimed)


_EXCLUDED_LIMIT = 200        # excluded files read for a mention, per check
_EXCLUDED_BYTES = 1_000_000  # and no larger than this


def _excluded_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: a file the configuration excludes names
    the service and that port (an nginx `server accounts:8080;` a compose service mounts, a
    Kubernetes manifest in `deploy/`), and fixer, told not to read it, cannot show it still
    reaches the app."""
    source = ws.tree.source
    if not isinstance(source, ExcludingSource):
        return None
    names = "|".join(re.escape(name) for name in sorted(service.names()))
    name, port = re.compile(rf"(?<![\w.-])(?:{names})(?![\w-])"), \
        re.compile(rf"(?<![\w.]){listen}(?![\w.])")
    for path in source.excluded_paths()[:_EXCLUDED_LIMIT]:
        try:
            data = source.read_bytes(path)
        except OSError:
            continue
        text = data[:_EXCLUDED_BYTES].decode("utf-8", "replace")
        if name.search(text) and port.search(text):
            return (f"{path}, which the configuration excludes, names {service.name} and "
                    f"port {listen}; fixer does not read it to show it still reaches the app")
    return None


def _deployment_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: a file of the repository deploys or runs
    images outside Compose and may run the service's (it names the service, or none of the
    apps), on a port fixer does not read there (Cloud Run's default 8080, a Swarm stack's
    traefik label, a CI smoke test on the host network)."""
    images = deployed_images(ws, service.scalar("image"), service.app.dockerfile.path)
    one_app = builds_one_app(ws)
    judged = {m.path for m in ports_for(ws, service.name, service.stack.services, images,
                                        lambda: one_app)} | \
        {p.path for p in deployment_ports(ws, service.name, images, lambda: one_app,
                                          lambda: other_marks(ws, service))}
    found = deployment_of(ws, service, ws.apps(), judged)
    if found is None:
        return None
    return (f"{found.path}:{found.line} {found.what} and may run {service.name}'s image, on "
            f"a port fixer does not read there: moving the app off {listen} may break it")


def _unread_proxy_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: a proxy of the stack whose configuration
    fixer does not read (Caddy, HAProxy, Envoy, Varnish, API gateways) may send it traffic there."""
    for name, image in unread_proxies(ws, service.stack):
        if name != service.name:
            return (f"{name} ({image}) may send {service.name} traffic to port {listen}, "
                    "and fixer does not read its configuration")
    return None


def _source_url_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: Python source of the repository, or a
    frontend's proxy configuration or `.env`, calls the service there (`http://users:8080`
    as a settings default, a `next.config.js` rewrite), which fixer does not edit."""
    found = _called_at(service, listen, source_urls(ws))
    where = "Python code" if found is not None and found[1].endswith(".py") else "that file"
    return None if found is None else (
        f"{found[1]} calls {found[0]}:{listen}, which the app would stop listening on; "
        f"fixer does not edit URLs in {where}")


def _unseen_env_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: another service of the stack loads an
    env_file that is not in the repository (a `.env` each deployment keeps), which may call
    the service there (`USERS_URL=http://users:8000`, as its `.env.example` shows)."""
    per_stack = ws.derived.get(_UNSEEN_ENV, dict)
    if service.stack.name not in per_stack:
        per_stack[service.stack.name] = _unseen_env_files(ws, service.stack)
    found = next(((name, path) for name, path in per_stack[service.stack.name]
                  if name != service.name), None)
    if found is None:
        return None
    return (f"{found[0]} loads {found[1]}, which is not in the repository and may call "
            f"{service.name} on {listen}, the port the app would leave")


def _docker_run_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: a build script or a guide runs an image
    outside Compose and publishes its container port `listen` (`docker run -p 8000:8000
    api` in a CI smoke test, a Makefile or a README), which fixer does not edit: it would
    reach nothing."""
    runs = ws.derived.get(_DOCKER_RUNS, lambda: _docker_run_ports(ws)).get(listen, [])
    found = next(((path, line) for path, line, image in runs
                  if _may_run(ws, service, image)), None)
    if found is None:
        return None
    return (f"{found[0]}:{found[1]} runs an image outside Compose (`docker run`, a CI "
            f"service container) publishing its port {listen}, which {service.name}'s app "
            "would stop listening on; fixer does not edit it")


def _pulled_elsewhere_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: another stack of the repository runs, by
    the same service name, a pulled image that may be this one's build (`api: image:
    me/fastapi`, no `build:`, in docker-compose-prod.yml), with the image's command, and
    its `ports` written for `listen`: the next image built from this Dockerfile would
    listen elsewhere there, and fixer does not edit that file."""
    for stack in ws.stacks:
        other = stack.services.get(service.name) if stack is not service.stack else None
        image = other.scalar("image") if other is not None else None
        if other is None or image is None or other.get("build") is not None or \
                other.get("command") is not None or other.get("entrypoint") is not None or \
                not _may_run(ws, service, image):
            continue
        if any(port.effective == listen for port in own_ports(other)):
            return (f"{other.definitions[-1][0].path} runs {service.name} from the pulled image "
                    f"`{image}`, which may be built from this Dockerfile, with its ports "
                    f"written for {listen}: moving the app would leave them behind")
    return None


def _may_run(ws: Workspace, service: BuiltService, image: str | None) -> bool:
    """Whether a `docker run` of `image` may run the service's image: it names the service
    (`api`, `orders-api:smoke`), its compose `image:`, or a tag a build script builds from
    its Dockerfile; or it cannot be read (`$IMAGE`). `wiremock/wiremock:3.6.0` is another."""
    if image is None or "$" in image:
        return True
    name = image.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    own = (service.scalar("image") or "").split("@", 1)[0]
    if own and name == (own.rsplit(":", 1)[0] if ":" in own.rsplit("/", 1)[-1] else own):
        return True
    last = name.rsplit("/", 1)[-1]
    if any(n in last for n in service.names()):
        return True
    return service.app.dockerfile.path in built_images(ws).get(name, [])


def _image_users_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: another service of the stack runs the
    image this one builds and tags (`image: orders-api:local` with no `build:`), with the
    image's own command: it listens where the image says, and its `ports` were written for
    `listen`."""
    image = service.scalar("image")
    per_stack = ws.derived.get(_IMAGE_USERS, dict)
    if service.stack.name not in per_stack:
        per_stack[service.stack.name] = _image_users(service.stack)
    users = [name for name in per_stack[service.stack.name].get(image or "", [])
             if name != service.name]
    if not image or not users:
        return None
    return (f"{users[0]} runs the image `{image}` that {service.name} builds, with the "
            f"image's command, so it listens on {listen} too: moving the app would move it "
            "as well")


def _host_port_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: another service's environment names it by
    a host and a port variable of one prefix (`API_HOST: api`, `API_PORT: "8080"`), a pair
    fixer does not rewrite."""
    per_stack = ws.derived.get(_HOST_PORTS, dict)
    if service.stack.name not in per_stack:
        per_stack[service.stack.name] = _host_port_pairs(ws, service.stack)
    found = _called_at(service, listen, per_stack[service.stack.name])
    return None if found is None else (
        f"{found[1]} name {found[0]} and {listen}, the port the app would leave; fixer "
        "does not rewrite a host and port pair")


def _fly_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: a Fly.io `fly.toml` deploys the same
    Dockerfile and sends it traffic there (`internal_port = 8080`), and fixer does not edit
    it."""
    found = ws.derived.get(_FLY, lambda: _fly_ports(ws)).get((service.app.dockerfile.path,
                                                               listen))
    variable = service.app.listen.variable or service.app.listen.reads
    if found is None or (variable is not None and variable in found[1]):
        return None   # the deployment sets the variable the app reads its port from
    return (f"{found[0]} (Fly.io) deploys {service.app.dockerfile.path} and sends it traffic "
            f"on port {listen}, which the app would stop listening on; fixer does not edit it")


def _virtual_port_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: an `env_file` of the service sets
    nginx-proxy's `VIRTUAL_PORT` to it, which fixer does not rewrite (one in compose's
    `environment:` is a claim, and moves with the app)."""
    written = any(key == "VIRTUAL_PORT" for _doc, value in service.all("environment")
                  for key, _val, _item in mapping_or_list(value))
    if written or service.environment(ws.tree).get("VIRTUAL_PORT", "").strip() != str(listen):
        return None
    return (f"an env_file of {service.name} sets VIRTUAL_PORT={listen}, where nginx-proxy "
            "sends it traffic; fixer does not rewrite it")


# per workspace: (Dockerfile, internal port) -> the fly.toml that deploys it there, and the
# variables its `[env]` sets
_FLY: Memo[dict[tuple[str, int], tuple[str, frozenset[str]]]] = Memo("Fly.io internal ports")


def _fly_ports(ws: Workspace) -> dict[tuple[str, int], tuple[str, frozenset[str]]]:
    found: dict[tuple[str, int], tuple[str, frozenset[str]]] = {}
    for path in ws.tree.sorted_paths():
        if not path.endswith(".toml"):
            continue   # most files: no name or path to work out
        name = posixpath.basename(path)
        file = ws.read(path) if name.startswith("fly") else None
        if file is None:
            continue
        try:
            data = tomllib.loads(file.text)
        except tomllib.TOMLDecodeError:
            continue
        build = data.get("build")
        named = build.get("dockerfile") if isinstance(build, dict) else None
        dockerfile = posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                                       str(named or "Dockerfile")))
        env = data.get("env")
        names = frozenset(env) if isinstance(env, dict) else frozenset()
        sections = [data.get("http_service")] + list(data.get("services") or [])
        for section in sections:
            port = section.get("internal_port") if isinstance(section, dict) else None
            if isinstance(port, int):
                found.setdefault((dockerfile, port), (path, names))
    return found


# per workspace: per stack, (host, port) -> "worker's API_HOST and API_PORT"
_HOST_PORTS: Memo[dict[str, dict[tuple[str, int], str]]] = Memo("host and port variables")


def _host_port_pairs(ws: Workspace, stack: Stack) -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}
    for other in stack.services.values():
        environment = other.environment(ws.tree)
        for key, host in environment.items():
            if not key.endswith("HOST") or not host:
                continue
            port_key = key[:-4] + "PORT"
            port = number((environment.get(port_key) or "").strip())
            if port is not None:
                found.setdefault((host.strip(), port), f"{other.name}'s {key} and {port_key}")
    return found


# per workspace: per stack, image -> the services that run it without building it or
# giving it a command of their own
_IMAGE_USERS: Memo[dict[str, dict[str, list[str]]]] = Memo("services running a built image")


def _image_users(stack: Stack) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for other in stack.services.values():
        image = other.scalar("image")
        if image and other.get("build") is None and other.get("command") is None and \
                other.get("entrypoint") is None:
            found.setdefault(image, []).append(other.name)
    return found


# per workspace: container port -> (build script, line, image) of each `docker run` that
# publishes it
_DOCKER_RUNS: Memo[dict[int, list[tuple[str, int, str | None]]]] = \
    Memo("ports docker run publishes")
_PUBLISH = lazy_compile(r"(?:^|\s)(?:-p|--publish)(?:[ \t]+|=)[\"']?([^\s\"']+)")


def _docker_run_ports(ws: Workspace) -> dict[int, list[tuple[str, int, str | None]]]:
    found: dict[int, list[tuple[str, int, str | None]]] = {}
    for path, text, file in [*script_texts(ws), *_guide_texts(ws)]:
        for run in docker_runs(text):
            if runs_a_command(run.group()):   # `docker run api pytest`: not its server
                continue
            image = run_image(run.group())
            for publish in _PUBLISH.finditer(run.group()):
                port = number(publish.group(1).split("/")[0].rpartition(":")[2])
                if port is not None:
                    found.setdefault(port, []).append((path, file.line_of(run.start()), image))
        if is_workflow(path):
            for port, image, at in _service_containers(text):
                found.setdefault(port, []).append((path, file.line_of(at), image))
    return found


def _guide_texts(ws: Workspace) -> Iterator[tuple[str, str, TextFile]]:
    """The Markdown guides a reader runs an image from: those of the repository's root
    and of each app's build folder (`ai/README.md`: `docker build -t ai . && docker run -p
    8001:8001 ai`), their continued lines joined as `script_texts` joins them."""
    folders = {"", *(s.app.folder for s in app_services(ws))}
    for path in ws.tree.sorted_paths():
        if path.lower().endswith(".md") and posixpath.dirname(path) in folders:
            file = ws.scan(path)
            if file is not None and "docker" in file.text:
                yield path, joined_lines(file.text), file


def _service_containers(text: str) -> Iterator[tuple[int, str, int]]:
    """(container port, image, offset of the image) of each service container a workflow's
    jobs run (`services: api: {image: ..., ports: ["8080:8080"]}`)."""
    for job in workflow_jobs(text):
        services = job.get("services")
        for container in services.values() if isinstance(services, dict) else ():
            image = container.get("image") if isinstance(container, dict) else None
            if not isinstance(image, str):
                continue
            for entry in container.get("ports") or []:
                port = number(str(entry).split("/")[0].rpartition(":")[2])
                if port is not None:
                    yield port, image, max(text.find(image), 0)


# per workspace: each stack's (service, env_file) pairs whose file is not in the repository
_UNSEEN_ENV: Memo[dict[str, list[tuple[str, str]]]] = Memo("env_files not in the repository")


def _unseen_env_files(ws: Workspace, stack: Stack) -> list[tuple[str, str]]:
    """Found once per stack: P001 asks for every service that would move."""
    first: dict[str, str] = {}   # two services are enough: one that is not the asker
    for other in stack.services.values():
        if other.app is None and family(other.scalar("image") or "") is not None:
            continue   # a database or broker image (postgres, redis): it calls no HTTP app
        for path in other.env_files():
            if len(first) < 2 and other.name not in first and ws.read(path) is None:
                first[other.name] = path
    return list(first.items())


def _bare_address_doubt(ws: Workspace, service: BuiltService, listen: int) -> str | None:
    """Why moving the app off `listen` is unsafe: the stack's files call the service there
    without a scheme (`users:8000` as a gRPC target or a `wait-for-it` argument), and
    fixer rewrites only URLs; or a file a container reads calls it there, a mounted or
    built-in `crontab` (`curl http://search-api:8080/reindex`), which fixer does not edit."""
    found = _called_at(service, listen, bare_addresses(ws, service.stack))
    if found is not None:
        return (f"{found[1][0]}:{found[1][1]} calls {found[0]}:{listen} without a scheme, "
                "which the app would stop listening on; fixer rewrites only URLs with a "
                "scheme")
    found = _file_call(ws, service, listen)
    return None if found is None else (
        f"{found[1][0]}:{found[1][1]} calls {found[0]}:{listen}, which the app would stop "
        "listening on; fixer does not edit that file")


def _file_call(ws: Workspace, service: BuiltService,
               listen: int) -> tuple[str, tuple[str, int]] | None:
    """(name, (path, line)) of a file a container of the stack reads that calls the service
    at `listen` (file_calls)."""
    return _called_at(service, listen, file_calls(ws, service.stack, lambda: frozenset(
        s.name for s in app_services(ws) if s.stack is service.stack)))


def _pinned(ws: Workspace, service: BuiltService, listen: int,
            claims: list[ContainerPort]) -> Side | None:
    """The listen port as the side that stays, when a call fixer does not edit reaches the
    app there: a mounted Caddyfile's `reverse_proxy web:8080`, a traefik file provider's
    `url: http://billing:8001`, a `wait-for-it api:8080` in compose, nginx configuration
    written in a Compose config's `content:`, a URL in Python source (`_source_call`).
    Moving the app would break it; compose's side follows the app instead, and that call
    keeps working."""
    inline = next((p for p in claims if p.inline and p.port == listen), None)
    if inline is not None:
        return Side(listen, inline)
    found = _called_at(service, listen, bare_addresses(ws, service.stack)) or \
        _file_call(ws, service, listen) or _source_call(ws, service, listen, claims)
    if found is not None:
        path, line = found[1]
        return Side(listen, ContainerPort(listen, "peer", path, line, None,
                                          raw=f"{found[0]}:{listen}"))
    run = _run_publishing(ws, service, listen, claims)
    return None if run is None else \
        Side(listen, ContainerPort(listen, "run", run[0], run[1], None, raw=f"-p {listen}"))


def _run_publishing(ws: Workspace, service: BuiltService, listen: int,
                    claims: list[ContainerPort]) -> tuple[str, int] | None:
    """(path, line) of a `docker run` of the service's image, in a build script or a guide,
    that publishes the port the app listens on (`docker run -p 8001:8001 ai` in ai/README.md),
    where none publishes a port compose claims: fixer edits no such command, so moving the
    app would leave it reaching nothing, and moving compose's side keeps it working."""
    runs = ws.derived.get(_DOCKER_RUNS, lambda: _docker_run_ports(ws))
    claimed = {p.effective for p in claims if p.effective is not None and p.effective != listen}
    if any(_may_run(ws, service, image) for port in claimed for _p, _l, image in
           runs.get(port, [])):
        return None
    return next(((path, line) for path, line, image in runs.get(listen, [])
                 if _may_run(ws, service, image)), None)


def _source_call(ws: Workspace, service: BuiltService, listen: int,
                 claims: list[ContainerPort]) -> tuple[str, tuple[str, int]] | None:
    """(name, (path, line)) of Python source or a frontend's file that calls the service at
    `listen` (`http://users:8080` as a settings default), where none calls it at a port
    compose claims: fixer edits no such URL, so moving the app would break the call, and
    moving compose's side keeps it. Where some call each port, either move breaks one."""
    urls = source_urls(ws)
    claimed = {p.effective for p in claims if p.effective is not None and p.effective != listen}
    if any(_called_at(service, port, urls) is not None for port in claimed):
        return None
    found = _called_at(service, listen, urls)
    if found is None:
        return None
    name, path = found
    return name, (path, _line_naming(ws, path, f"{name}:{listen}"))


def _line_naming(ws: Workspace, path: str, address: str) -> int:
    """The line of the file that first writes `address` as a whole host:port (1 when not
    found: the file was read as a whole)."""
    file = ws.scan(path)
    match = re.search(rf"(?<![\w.-]){re.escape(address)}(?!\d)", file.text) \
        if file is not None else None
    return file.text.count("\n", 0, match.start()) + 1 if file is not None and match else 1


Where = TypeVar("Where")   # where a call is written: a path, or (path, line)


def _called_at(service: BuiltService, listen: int,
               calls: Mapping[tuple[str, int], Where]) -> tuple[str, Where] | None:
    """(name, where) of the first of the service's names that `calls` has at `listen`."""
    for name in sorted(service.names()):
        where = calls.get((name, listen))
        if where is not None:
            return name, where
    return None


def _causes(ws: Workspace, service: BuiltService,
            claims: list[ContainerPort]) -> tuple[Location, ...]:
    """What the finding depends on, wherever it is reported: the command and the places
    the listen port is written, EXPOSE and HEALTHCHECK, and every port claim read (ports,
    expose, healthcheck URLs, labels, peer and proxy URLs)."""
    app = service.app
    found = [*listen_causes(ws, service), *stage_causes(app.dockerfile, app.stage),
             *(Location(p.path, p.line) for p in claims)]
    return tuple(dict.fromkeys(found))


def _offered(ws: Workspace, move: PortMove, title: str,
             off_port: str | None) -> tuple[Fix, str | None]:
    """The fix and the reason it is unsafe, if it is: when it would rewrite the port in
    Python source, or move the app off a port something fixer does not edit may use
    (`off_port`, why: a Kubernetes manifest, a proxy whose configuration it does not read).
    Its edits are rendered from the move only when the fix is applied."""
    doubt = python_source_doubt(ws, move.spans()) or off_port
    if doubt is not None:
        return Fix(f"{title} ({doubt})", Safety.UNSAFE, move.edits), doubt
    return Fix(title, Safety.SAFE, move.edits), None


def _plan(ws: Workspace, service: BuiltService, builders: list[BuiltService],
          ports: list[ContainerPort], listen: int, side: Side,
          left_out: str | None = None) -> tuple[PortMove | None, str | None, str]:
    """The other side moves to the port that stays; so does every reference to the old
    port, wherever it is written (compose, `.env` files, proxy configuration). No move
    when it cannot be made: then the reason says why. `left_out`: Compose's override file
    that the run judged leaves out. The app side is not moved there: its edits are planned
    on the stack with every file merged, where the override may set the port."""
    moved, reason = _reference_sites([p for p in ports if p.effective != side.port])
    because = _because(side)
    if side.port == listen:
        title = _compose_side_title(service.name, listen, [p for p in ports
                                                          if p.effective != side.port])
        return (PortMove(listen, tuple(moved)) if reason is None else None), reason, \
            title + because
    title = f"Make {service.name} listen on {side.port}{because}"
    if left_out is not None:
        return None, (f"the app would move to {side.port}{because}, and fixer judged its "
                      f"port without {left_out}: it moves the app only where every compose "
                      "file runs it alike"), title
    app, app_reason = app_side_move(ws, service, side.port, builders)
    reason = app_reason or reason
    if app is None or reason is not None:
        return None, reason, title
    return app.also(moved), None, title


# the claims that are other services' calls of the service, not its own compose entries
_CALLS = frozenset({"peer", "proxy"})


def _compose_side_title(name: str, listen: int, moved: list[ContainerPort]) -> str:
    """What the fix that keeps the listen port changes: the service's own compose port, the
    URLs that call it (a peer's `NOTIFICATION_URL` in its `.env`), or both."""
    kinds = {p.kind for p in moved}
    if kinds and kinds <= _CALLS:
        files = ", ".join(dict.fromkeys(p.path for p in moved))
        return f"Point the URLs that call {name} at port {listen} ({files})"
    calls = ", and the URLs that call it" if kinds & _CALLS else ""
    return f"Set the compose container port of {name} to {listen}{calls}"


def _because(side: Side) -> str:
    ref = side.evidence
    if ref is None:
        return ""
    return f", as {ref.path}:{ref.line} {'publishes' if ref.kind == 'run' else 'calls'} it"


def _ambiguity(wrong: list[ContainerPort], claimed: list[int]) -> str | None:
    if len(claimed) > 1:
        return f"compose claims several container ports ({', '.join(map(str, claimed))})"
    interpolated = next((p for p in wrong if p.port is None or p.interpolated), None)
    if interpolated is not None:
        return (f"the container port in `{interpolated.raw}` comes from an interpolation "
                f"({interpolated.path}:{interpolated.line})")
    return None


def _runtime_proxy(claims: list[ContainerPort]) -> str | None:
    """A proxy that calls the service on a port set at run time: no fix can show it still
    reaches the app afterwards."""
    found = next((p for p in claims if p.kind == "proxy" and p.port is None), None)
    if found is None:
        return None
    return (f"{found.path}:{found.line} calls the service on a port set at run time "
            f"(`{found.raw}`)")


def _reference_sites(moved: list[ContainerPort]) -> tuple[list[Site], str | None]:
    """Where each reference's digits are rewritten, byte-exactly, or why they cannot be."""
    aliased = next((p for p in moved if p.aliased), None)
    if aliased is not None:
        return [], f"{aliased.path}:{aliased.line} is reached through a YAML alias"
    fixed = next((p for p in moved if p.site is None or p.interpolated), None)
    if fixed is not None and fixed.inline:
        return [], (f"`{fixed.raw}` ({fixed.path}:{fixed.line}) is written in a Compose "
                    "config's `content:`, which fixer does not edit")
    if fixed is not None:
        return [], (f"`{fixed.raw}` ({fixed.path}:{fixed.line}) is not written as a plain "
                    f"number that can be rewritten")
    return [p.site for p in moved if p.site is not None], None

"""The Python packages an app service needs to start: the server its command runs
(and gunicorn's worker class), and FastAPI when the app module imports it. What other
requirements bring them (`fastapi[standard]` brings uvicorn) is pydeps' `brought`.

S003 reports a package missing where nothing the image installs may bring it. Where only a
requirement whose dependencies fixer does not know may (`fastapi run` with `fastapi>=0.111`,
whose newest release leaves the CLI to its `standard` extra, beside `redis-om`), the
service may never start: fixer reports nothing, and a gate on the service is in doubt
(`server_doubt`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile
from fixer.core.wording import names
from fixer.facts.pydeps.dependency_sources import declared
from fixer.model import appmodule
from fixer.model.appservice import is_app_service
from fixer.model.listen import COMPOSE_KINDS
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.dockertext import tokenize
from fixer.sources.launch import prefix_length, shell_script_at

_IMPORTS_FASTAPI = lazy_compile(r"^[ \t]*(?:from[ \t]+fastapi[\s.]|import[ \t]+fastapi\b)", re.M)
_WORKER_OPTIONS = ("-k", "--worker-class")
_WORKERS = {"uvicorn.workers": ("uvicorn", "uvicorn"), "uvicorn_worker": ("uvicorn-worker",
                                                                          "uvicorn-worker")}


@dataclass(frozen=True)
class Need:
    name: str    # normalized project name, for the subject
    add: str     # the requirement line to add
    why: str


def _simple(name: str, why: str) -> Need:
    return Need(name, name, why)


def needs(ws: Workspace, service: BuiltService) -> list[Need]:
    app = service.app
    launch, region = app.listen.launch, app.listen.region
    where = f"compose `{region.kind}:`" if region and region.kind in COMPOSE_KINDS else \
        f"the {region.kind if region else 'CMD'}"
    out: list[Need] = []
    server = launch.server if launch else None
    runs = f"{where} runs {server}"
    if launch is not None and launch.runs_script and app.listen.origin.startswith("uvicorn"):
        server = "uvicorn"  # `python main.py` that calls uvicorn.run(...)
        runs = f"{where} runs a script that calls `uvicorn.run`"
    if server == "fastapi":
        out.append(_simple("fastapi-cli", f"{where} runs `{_cli_command(service)}` (the "
                                          "FastAPI CLI)"))
    elif server is not None:
        out.append(_simple(server, runs))
    if server == "gunicorn":
        out.extend(_worker_needs(ws, service, where))
    if _imports_fastapi(ws, service):
        out.append(_simple("fastapi", "the app imports fastapi"))
    return out


# `uv run` options under which the start installs packages the image's build did not: the
# project of another folder or workspace member, synced when the container starts
# (`uv run --directory services/users uvicorn ...`), or packages of their own (`--with`)
_UV_RUN_INSTALLS = frozenset({"--directory", "--project", "--package", "--all-packages",
                              "--with", "--with-requirements", "--with-editable",
                              "--isolated"})


def installs_at_start(service: BuiltService) -> str | None:
    """The `uv run` option under which the service's command installs packages as the
    container starts, besides what the image holds; None when it installs none."""
    words = _command_words(service)
    at = next((i for i in range(len(words) - 1)
               if posixpath.basename(words[i]) == "uv" and words[i + 1] == "run"), None)
    end = prefix_length(words) if at is not None else None
    options = words[at + 2:end] if at is not None and end is not None else []
    return next((w for w in options if w.split("=", 1)[0] in _UV_RUN_INSTALLS), None)


def _command_words(service: BuiltService) -> list[str]:
    app = service.app
    command = service.command()
    if command is not None:
        argv = command[2]
        return _words(argv[0]) if len(argv) == 1 else argv
    region = app.listen.region
    if region is None or region.instruction is None:
        return []
    instruction = region.instruction
    if instruction.json:
        words = list(instruction.value)
        script = shell_script_at(words)   # ["sh", "-c", "script"]
        if script is not None:
            return words[:script] + _words(words[script])
        return words
    return _words(" ".join(instruction.value))


def _words(script: str) -> list[str]:
    return [t.value for t in tokenize(script) if not t.operator]


def _cli_command(service: BuiltService) -> str:
    """The FastAPI CLI's command as the service writes it (`fastapi dev`): `run` and `dev`
    both need the CLI, and the message names the one the reader will find."""
    words = appmodule.launch_words(service)
    at = next((i for i, word in enumerate(words) if posixpath.basename(word) == "fastapi"), None)
    return " ".join(words[at:at + 2]) if at is not None else "fastapi"


def _worker_needs(ws: Workspace, service: BuiltService, where: str) -> list[Need]:
    """What gunicorn's worker class needs: the one the command gives (`-k`), else the
    literal `worker_class` of its configuration file, which gunicorn fails to load when its
    package is missing."""
    worker = _given_worker(_command_words(service))
    if worker is not None:
        why = f"{where} runs gunicorn with {worker}"
    else:
        configured = appmodule.gunicorn_setting(ws, service, "worker_class", _WORKER_OPTIONS)
        if configured is None:
            return []
        worker, path = configured
        why = f"{where} runs gunicorn with {worker} (worker_class in {path})"
    for prefix, (name, add) in _WORKERS.items():
        if worker.startswith(prefix + "."):
            return [Need(name, add, why)]
    return []


def _given_worker(words: list[str]) -> str | None:
    """The worker class the command's `-k`/`--worker-class` gives, the last one winning."""
    worker = None
    for index, word in enumerate(words):
        if word in _WORKER_OPTIONS and index + 1 < len(words):
            worker = words[index + 1]
        elif word.startswith("--worker-class="):
            worker = word.split("=", 1)[1]
    return worker


def _imports_fastapi(ws: Workspace, service: Service) -> bool:
    module = appmodule.find(ws, service)
    file = ws.read(module.path) if module else None
    return file is not None and bool(_IMPORTS_FASTAPI.search(file.text))


def server_doubt(ws: Workspace, service: Service) -> str | None:
    """Why fixer cannot tell that the image holds a package the service needs to start
    (`needs`): no requirement names it or is known to bring it, and one fixer cannot read
    through may (`the CMD runs `fastapi run` (the FastAPI CLI), and no requirement names
    fastapi-cli: only redis-om, whose dependencies fixer does not know, may bring it`).
    None where every need is there, where one is missing for sure (S003's finding), or where
    what the image installs is beyond reading altogether."""
    if not isinstance(service, BuiltService) or not is_app_service(ws, service):
        return None
    wanted = needs(ws, service)
    app = service.app
    found = declared(ws, app.build.context, app.dockerfile, app.stage, app.args) \
        if wanted else None
    if found is None or found.unknown is not None or installs_at_start(service) is not None:
        return None
    for need in wanted:
        if found.provides(need.name) or not found.may_provide(need.name):
            continue
        which = "a requirement whose release fixer cannot read" if need.name in found.maybe \
            else f"{names(sorted(found.opaque), 2)}, whose dependencies fixer does not know"
        return f"{need.why}, and no requirement names {need.name}: only {which}, may bring it"
    return None

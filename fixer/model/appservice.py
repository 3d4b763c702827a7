"""Which built services are app services: the FastAPI HTTP servers.

An app service starts an HTTP server for a FastAPI app: its command runs uvicorn,
gunicorn with a uvicorn worker, `fastapi run`, hypercorn or granian, or a Python
script that calls `uvicorn.run`, and its app module imports `fastapi` (directly, or
through the modules of its own import root that it imports: a factory elsewhere).
Flask and Django apps, workers, bots, test runners (a command that starts the server in
the background and then runs the test suite is one) and one-shot jobs (what other
services wait for with `service_completed_successfully`) are built services, not
app services: the health, port and import rules must not fire for them, because
their fixes (a `/health` probe, a port rewrite) would be wrong there.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.envfile import read_env
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import Tree
from fixer.model import appmodule
from fixer.model.depends import dependencies
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace
from fixer.sources.python import parse
from fixer.sources.python_modules import assigned_value, binding

COMPLETED = "service_completed_successfully"
_FASTAPI_IMPORT = lazy_compile(r"^[ \t]*(?:from[ \t]+fastapi\b|import[ \t]+fastapi\b)", re.M)
_UVICORN_RUN = lazy_compile(r"\buvicorn\.(?:run|Config)\(|"
                            r"^[ \t]*from[ \t]+uvicorn[ \t]+import[ \t].*\b(?:run|Config)\b",
                            re.M)
# `from pkg.mod import x`, `from . import x`, `import pkg.mod`: where to look for a factory
_LOCAL_IMPORT = lazy_compile(r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import|import[ \t]+([\w.]+))",
                           re.M)
# `uvicorn.run("app.main:app", ...)`: the script serves a module it names as a string
_RUN_TARGET = lazy_compile(r"""\buvicorn\.(?:run|Config)\(\s*["']([\w.]+):""")
# a script that reads its command line: `sys.argv`, argparse, click, typer, fire, getopt
_READS_ARGUMENTS = lazy_compile(r"\bsys\.argv\b|^[ \t]*from[ \t]+sys[ \t]+import\b.*\bargv\b|"
                              r"^[ \t]*(?:import|from)[ \t]+"
                              r"(?:argparse|click|typer|fire|getopt|docopt)\b", re.M)
_WORKER_OPTIONS = ("-k", "--worker-class")
_FOLLOW_DEPTH = 3      # modules followed from the app module to find `import fastapi`
_FOLDER_SCAN_LIMIT = 200  # Python files read when the app module cannot be located

# per workspace, the services each stack awaits to completion (stack name -> names)
_AWAITED: Memo[dict[str, frozenset[str]]] = Memo("stacks awaited to completion")
# per workspace, the verdict for each (stack, service)
_VERDICTS: Memo[dict[tuple[str, str], bool]] = Memo("app service verdicts")


class _Listing:
    """The app services of a workspace, in order, once a pass over its built services has
    finished (None before): ten rules list them, each of a thousand services at a time."""

    __slots__ = ("services",)

    def __init__(self) -> None:
        self.services: list[BuiltService] | None = None


# per workspace, its app services once listed
_LISTING: Memo[_Listing] = Memo("app services listed")


def app_services(ws: Workspace) -> Iterator[BuiltService]:
    """The built services that serve a FastAPI app over HTTP."""
    listing = ws.derived.get(_LISTING, _Listing)
    if listing.services is not None:
        return iter(listing.services)
    return _listing_pass(ws, listing)


def _listing_pass(ws: Workspace, listing: _Listing) -> Iterator[BuiltService]:
    """Judges the services as the caller asks for them (not all ahead: what a judgement
    reads and records stays where the caller's own work puts it); a pass that finishes
    keeps the list."""
    found: list[BuiltService] = []
    for service in ws.apps():
        if is_app_service(ws, service):
            found.append(service)
            yield service
    listing.services = found


def is_app_service(ws: Workspace, service: Service) -> bool:
    verdicts = ws.derived.get(_VERDICTS, dict)
    key = (service.stack.name, service.name)
    if key not in verdicts:
        verdicts[key] = _judge(ws, service)
    return verdicts[key]


def _judge(ws: Workspace, service: Service) -> bool:
    if not isinstance(service, BuiltService) or _is_one_shot(ws, service):
        return False
    launch = service.app.listen.launch
    if launch is None or not _starts_http_server(ws, service) or _serves_for_tests(ws, service):
        return False
    module = appmodule.find(ws, service)
    if module is None:   # `fastapi run` serves a FastAPI app or stops (S005 says which)
        return launch.server == "fastapi" or _folder_imports_fastapi(ws, service.app.folder)
    script = module.runner or module.path   # what `python serve.py` runs
    if launch.server is None and (not _calls_uvicorn_run(ws, script)
                                  or _role_from_arguments(ws, service, script)):
        return False
    if module.attr is not None and _other_framework(ws, module.path, module.attr):
        return False
    return _imports_fastapi(ws, module.path, module.root,
                            tuple(folder for _package, folder in module.python_path)) or \
        _served_submodule_imports_fastapi(ws, module)


def _served_submodule_imports_fastapi(ws: Workspace, module: appmodule.AppModule) -> bool:
    """`uvicorn app:app` serving a package whose submodule `app/app.py` builds the FastAPI
    app: the command means that app (S005 says when the package never binds it)."""
    if module.attr is None or not module.path.endswith("/__init__.py"):
        return False
    folder = posixpath.dirname(module.path)
    return any(ws.tree.exists(candidate) and _imports_fastapi(ws, candidate, module.root)
               for candidate in (posixpath.join(folder, module.attr + ".py"),
                                 posixpath.join(folder, module.attr, "__init__.py")))


# what builds the app of another framework: `application = get_asgi_application()` in a
# Django project's asgi.py, which may also import fastapi for an app mounted beside it
_OTHER_APPS = frozenset({"get_asgi_application", "get_wsgi_application", "Flask", "Quart",
                         "Sanic", "Litestar", "Django"})


def _other_framework(ws: Workspace, path: str, attr: str) -> bool:
    """The served name is assigned another framework's app in the module (`application =
    get_asgi_application()`): the command serves that, whatever else the module holds."""
    file = ws.read(path)
    if file is None or not _may_name_other_app(file.text):
        return False
    tree = parse(file)
    stmt = binding(tree.body, attr) if tree is not None else None
    value = assigned_value(stmt) if stmt is not None else None
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.id if isinstance(func, ast.Name) else func.attr \
        if isinstance(func, ast.Attribute) else None
    return name in _OTHER_APPS


def _may_name_other_app(text: str) -> bool:
    """Whether the text may call one of `_OTHER_APPS`: parsing a module costs more than the
    rest of the verdict, and most modules name none of them. Python folds identifiers to
    NFKC (a fullwidth `Ｆlask` is `Flask`), so a text beyond ASCII is parsed to tell."""
    return not text.isascii() or any(name in text for name in _OTHER_APPS)


# a test suite: what a command runs once its server is up in the background
_TEST_SUITE = lazy_compile(r"(?<![\w-])(?:(?:python[\d.]*\s+-m\s+)?pytest|tox|nox|"
                           r"python[\d.]*\s+-m\s+unittest|coverage\s+run)\b")
# `&` that sends a command to the background (not `&&`, nor a redirection's `2>&1`, `&>`)
_BACKGROUND = lazy_compile(r"(?<![&>])&(?![&>])")
# what ends a shell command before its `&`
_COMMAND_END = lazy_compile(r"[;|\n]|&&")


def _serves_for_tests(ws: Workspace, service: BuiltService) -> bool:
    """The command starts the server in the background and then runs a test suite (`sh -c
    'uvicorn app.main:app --port 8000 & until curl ...; do sleep 2; done; pytest'`): a test
    runner, whose container ends with the suite, not a server to probe."""
    launch, region = service.app.listen.launch, service.app.listen.region
    file = ws.read(region.path) if region is not None else None
    if launch is None or region is None or file is None:
        return False
    text = region.run_text(file.text)
    start = text.find(launch.server or launch.target or "\0")
    sent = _BACKGROUND.search(text, start) if start >= 0 else None
    return sent is not None and _COMMAND_END.search(text, start, sent.start()) is None and \
        _TEST_SUITE.search(text, sent.end()) is not None


def _is_one_shot(ws: Workspace, service: Service) -> bool:
    """Another service waits for it to finish: a migration or init job, not a server."""
    per_stack = ws.derived.get(_AWAITED, dict)
    awaited = per_stack.get(service.stack.name)
    if awaited is None:  # one pass per stack: asking per service would be quadratic
        awaited = frozenset(dep.name for other in service.stack.services.values()
                            for dep in dependencies(other) if dep.condition == COMPLETED)
        per_stack[service.stack.name] = awaited
    return service.name in awaited


def _starts_http_server(ws: Workspace, service: BuiltService) -> bool:
    launch = service.app.listen.launch
    if launch is None:
        return False
    if launch.server is None:
        # `python main.py`, or `python -m app.main` when the module is the service's own
        # (`python -m pytest` / `-m celery` run installed tools): `_judge` then asks for
        # `uvicorn.run` in it
        module = appmodule.find(ws, service)
        return launch.runs_script and bool(launch.target) and \
            module is not None and module.from_command
    if launch.server == "gunicorn":
        words = appmodule.launch_words(service)
        worker = next((words[i + 1] for i, w in enumerate(words[:-1]) if w in _WORKER_OPTIONS),
                      None) or next((w.split("=", 1)[1] for w in words
                                     if w.startswith("--worker-class=")), None)
        if worker is not None:   # `-k "$WORKER_CLASS"`, set earlier in its start script
            worker = appmodule.variable_value(ws, service, worker.strip('"')) or worker
        return _worker_set_elsewhere(ws, service, words) if worker is None else \
            "uvicorn" in worker.lower()
    return True


# what names gunicorn's settings beside its command line: its environment variable, and the
# file it reads from its working folder when no `-c` names one
_GUNICORN_ARGS = "GUNICORN_CMD_ARGS"
_GUNICORN_CONFIG = "gunicorn.conf.py"


def _worker_set_elsewhere(ws: Workspace, service: BuiltService, words: list[str]) -> bool:
    """gunicorn given no worker class on its command line runs its sync worker, which cannot
    serve an ASGI app (every request fails), unless something fixer may not read names
    another: a config file (`-c`, `--config`, a `gunicorn.conf.py` of the build context),
    `GUNICORN_CMD_ARGS` in the container's environment, the Dockerfile or the start
    script, an env file the repository does not hold, or a `-k` glued to its value."""
    if any(word in ("-c", "--config") or word.startswith(("--config=", "-c", "-k"))
           for word in words):
        return True
    app, region = service.app, service.app.listen.region
    command = ws.read(region.path) if region is not None else None
    texts = [app.dockerfile.file.text,
             region.run_text(command.text) if region and command else ""]
    return any(posixpath.basename(path) == _GUNICORN_CONFIG
               for path in tree_index.files_under(ws.tree, app.folder)) or \
        _GUNICORN_ARGS in service.environment(ws.tree) or \
        any(_GUNICORN_ARGS in text for text in texts) or \
        any(read_env(ws.tree, path) is None for path in service.env_files())


def _calls_uvicorn_run(ws: Workspace, path: str) -> bool:
    file = ws.read(path)
    return file is not None and bool(_UVICORN_RUN.search(file.text))


def _role_from_arguments(ws: Workspace, service: BuiltService, path: str) -> bool:
    """`python start.py worker`, where the script reads its arguments: which of the
    roles it has (`uvicorn.run` for `api`, a celery worker, flower) the word picks is the
    script's logic, so whether this service serves the app over HTTP is not known. Options
    alone (`python main.py --port 8080`) pick no role."""
    target = service.app.listen.launch.target if service.app.listen.launch else None
    if target is None:
        return False
    following = _arguments_after(service, target)
    if not following or following[0].startswith("-") and \
            not _options_pick_roles(service, target, following):
        return False
    file = ws.read(path)
    return file is not None and bool(_READS_ARGUMENTS.search(file.text))


def _arguments_after(service: BuiltService, target: str) -> list[str]:
    """The words of the service's command after the script it runs."""
    words = appmodule.launch_words(service)
    given = target.split()   # `main.py`, or `-m app.main`
    at = next((i for i in range(len(words)) if words[i:i + len(given)] == given), None)
    return words[at + len(given):] if at is not None else []


def _options_pick_roles(service: BuiltService, target: str, following: list[str]) -> bool:
    """Another service of the stack runs the same script from the same folder with one of
    these options set otherwise (`python main.py --adapter kafka` beside `--adapter http`
    and `--adapter celery`): the option picks the role, as a word would; one that names
    the HTTP role (`http`, `api`, `web`) picks the server."""
    mine = {name: value for name, value in _option_values(following).items()
            if value.lower() not in _HTTP_ROLES}
    if not mine:
        return False
    for other in service.stack.services.values():
        if other is service or not isinstance(other, BuiltService) or \
                other.app.folder != service.app.folder or other.app.listen.launch is None \
                or other.app.listen.launch.target != target:
            continue
        theirs = _option_values(_arguments_after(other, target))
        if any(name in theirs and theirs[name] != value for name, value in mine.items()):
            return True
    return False


# an option's value that picks the script's HTTP server among its roles
_HTTP_ROLES = frozenset({"http", "api", "web", "server", "rest", "app", "fastapi", "uvicorn"})


def _option_values(words: list[str]) -> dict[str, str]:
    """`--adapter http` and `--adapter=http` -> {"--adapter": "http"}."""
    found: dict[str, str] = {}
    for i, word in enumerate(words):
        if not word.startswith("-"):
            continue
        name, sep, value = word.partition("=")
        if sep:
            found[name] = value
        elif i + 1 < len(words) and not words[i + 1].startswith("-"):
            found[name] = words[i + 1]
    return found


def _imports_fastapi(ws: Workspace, path: str, root: str, more: tuple[str, ...] = ()) -> bool:
    """The module, or a module of its import root (or of the folders `more` the image's
    PYTHONPATH adds) that it imports, imports fastapi."""
    seen: set[str] = set()
    frontier = [path]
    for _depth in range(_FOLLOW_DEPTH + 1):
        following: list[str] = []
        for current in frontier:
            if current in seen:
                continue
            seen.add(current)
            file = ws.read(current)
            if file is None:
                continue
            if _FASTAPI_IMPORT.search(file.text):
                return True
            for base in (root, *more):
                following.extend(_local_modules(ws.tree, current, base, file.text))
            following.extend(_run_targets(ws.tree, root, file.text))
        frontier = following
    return False


def _local_modules(tree: Tree, path: str, root: str, text: str) -> list[str]:
    found: list[str] = []
    for match in _LOCAL_IMPORT.finditer(text):
        written = match.group(1) or match.group(2) or ""
        dots = len(written) - len(written.lstrip("."))
        if dots:
            base = posixpath.dirname(path)
            for _ in range(dots - 1):
                base = posixpath.dirname(base)
        else:
            base = root
        rest = written.lstrip(".")
        stem = posixpath.join(base, *rest.split(".")) if rest else base
        for candidate in (stem + ".py", posixpath.join(stem, "__init__.py")):
            if tree.exists(candidate):
                found.append(candidate)
    return found


def _run_targets(tree: Tree, root: str, text: str) -> list[str]:
    stems = [posixpath.join(root, *m.group(1).split(".")) for m in _RUN_TARGET.finditer(text)]
    return [c for stem in stems for c in (stem + ".py", posixpath.join(stem, "__init__.py"))
            if tree.exists(c)]


def unknown_start(ws: Workspace, service: Service) -> bool:
    """A built service that is no app service because its command starts no server fixer
    knows (no uvicorn, gunicorn, hypercorn, granian or `fastapi run`, no `uvicorn.run` in
    the script it runs), though its build context imports fastapi: a launcher fixer does
    not read (`/start-reload.sh` of a base image, `os.execvp("uvicorn", ...)`) may serve
    that app, so the report says it was not checked rather than that there is no app."""
    if not isinstance(service, BuiltService) or is_app_service(ws, service) or \
            _is_one_shot(ws, service):
        return False
    launch = service.app.listen.launch
    known = launch is not None and (launch.server is not None or _calls_uvicorn_run(
        ws, _script_run(ws, service) or ""))
    return not known and _folder_imports_fastapi(ws, service.app.folder)


def _script_run(ws: Workspace, service: BuiltService) -> str | None:
    module = appmodule.find(ws, service)
    return (module.runner or module.path) if module is not None else None


# a requirements file, pyproject.toml or Pipfile line that names fastapi (`fastapi==0.115`,
# `"fastapi[standard]>=0.110",`, `fastapi = "^0.110"`)
_DECLARES_FASTAPI = lazy_compile(r"""^[ \t"']*fastapi\b""", re.M)
_DECLARATIONS = lazy_compile(r"(?:^|/)(?:requirements[\w.-]*\.txt|pyproject\.toml|Pipfile)$")


def _folder_imports_fastapi(ws: Workspace, folder: str) -> bool:
    """The build context declares fastapi (a requirements file, pyproject.toml or Pipfile
    of the folder itself) or one of its first Python files imports it: a large tree whose
    app module fixer cannot locate is not read whole."""
    prefix = folder + "/" if folder else ""
    own = [p for p in ws.tree.paths() if p.startswith(prefix) and "/" not in p[len(prefix):]
           and _DECLARATIONS.search(p)]
    if any((file := ws.read(p)) is not None and _DECLARES_FASTAPI.search(file.text)
           for p in own):
        return True
    python = sorted(p for p in ws.tree.paths() if p.startswith(prefix) and p.endswith(".py"))
    for path in python[:_FOLDER_SCAN_LIMIT]:
        file = ws.read(path)
        if file is not None and _FASTAPI_IMPORT.search(file.text):
            return True
    return False

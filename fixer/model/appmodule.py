"""The app module of an app service (the `module:attr` its command serves) and its import root.

The command names `module:attr` relative to the container's working directory
(the final WORKDIR, compose `working_dir`, `cd` in a `sh -c`, `--app-dir`).
The stage's COPY/ADD instructions (`image_paths`) say which folder of the build
context lands there, so `WORKDIR /app` + `COPY app ./app` puts `app.main` at
<service folder>/app/main.py. A server command that names no module serves what the
server finds instead (a variable, gunicorn's `wsgi_app`, fastapi-cli's entrypoint or
default files), unknown where fixer cannot read it. A script the command runs (`python
serve.py`) whose `uvicorn.run("app.main:app")` names another module serves that module,
imported from the script's own folder; the script is its `runner`. Without a server
command the module is guessed: app/main.py, main.py, src/main.py.
Whatever the command, Python puts the folders of PYTHONPATH on sys.path after the
import root: the modules the image holds there are found too (`on_python_path`).
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass, replace

from fixer.core.derived import Memo
from fixer.core.dockerignore import context_files
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.core.tree import Tree
from fixer.core.tree_index import files_under, is_folder
from fixer.model.image_paths import (context_sources, copies_context, folder_copied, folder_known,
                                     image_path_of, locate, may_hold, unknown_base_workdir,
                                     workdir)
from fixer.model.installed_project import installed_roots, installs_local_code
from fixer.model.basestart import start_words
from fixer.model.listen import run_words
from fixer.model.committed import not_committed
from fixer.model.services import BuiltService, Service, bind_mounts, volume_targets
from fixer.model.startscript import UNKNOWN_FOLDER, script_value
from fixer.model.workspace import Workspace
from fixer.sources.compose import scalar
from fixer.sources.compose_words import compose_words
from fixer.sources.dockerfile import chain
from fixer.sources.launch import (TARGET, Launch, prefix_length, shell_jobs, shell_script_at,
                                  split_shell)
from fixer.sources.portsites import run_env
from fixer.sources.python_modules import Modules, OnPythonPath

FALLBACKS = ("app/main.py", "main.py", "src/main.py")


@dataclass(frozen=True)
class AppModule:
    path: str            # the module's file, repository-relative
    root: str            # the import root (what is on sys.path), repository-relative
    module: str          # dotted name as imported: `app.main`, `main`
    attr: str | None     # `app` of `app.main:app`; None when the command names none
    factory: bool        # `--factory`, or gunicorn's `module:create_app()`
    script: bool         # run as a file (`python main.py`): top level wherever it lives
    from_command: bool   # read from the command, not guessed
    # the script the command runs when it serves this module by name (`python serve.py`
    # calling `uvicorn.run("app.main:app")`): it runs first, at the top level
    runner: str | None = None
    # the runner's `__package__`: "" for a file run at the top level (`python serve.py`),
    # its package for a module run with `-m` (`python -m app.serve`: `app`)
    runner_package: str = ""
    # the modules the image's PYTHONPATH holds beyond the import root (`on_python_path`)
    python_path: OnPythonPath = ()

    @property
    def package(self) -> str:
        """The module's `__package__`: "" when it runs at the top level."""
        if self.script:
            return ""
        if self.path.endswith("__init__.py"):
            return self.module
        return self.module.rpartition(".")[0]


# per workspace, the module found for each (stack, service): rules ask for it again and again
_FOUND: Memo[dict[tuple[str, str], AppModule | None]] = Memo("app modules")


def find(ws: Workspace, service: Service) -> AppModule | None:
    """The service's app module, from its command when it names one, else guessed."""
    found = ws.derived.get(_FOUND, dict)
    key = (service.stack.name, service.name)
    if key not in found:
        module = _find(ws, service)
        found[key] = _with_python_path(ws, service, module) if module is not None else None
    return found[key]


@dataclass(frozen=True)
class MissingModule:
    """A module the command serves that the image does not hold where the server runs."""

    target: str        # as the command names it: `app.main:app`
    file: str          # the file it would be: `app/main.py`
    cwd: str           # the folder the server runs in: `/app`
    # what the server does without it
    stops: str = "the server stops at start-up with ModuleNotFoundError"
    imported: bool = True   # found on sys.path (not a path fastapi-cli reads from the folder)


def unfound_module(ws: Workspace, service: Service) -> str | None:
    """Why fixer finds no app where `missing_module` cannot say the image lacks it (a bind
    mount, PYTHONPATH): the module the command names, which fixer finds nowhere the server
    imports from."""
    if not isinstance(service, BuiltService) or find(ws, service) is not None:
        return None
    launch = service.app.listen.launch
    moved = next((folder for folder in _words(service, _resolved_target(ws, service, launch))[1]
                  if "$" in folder or "`" in folder), None) if launch is not None else None
    if moved == UNKNOWN_FOLDER[1]:   # a `cd` in a branch, a loop or a function
        return "the server starts in a folder a branch of its start script decides (a `cd` " \
            "in an `if`, a loop or a function), which fixer cannot tell"
    if moved is not None:   # `cd "$PROJECT_ROOT"` before the server: where it runs is unknown
        return f"the server starts after `cd {moved}`, a folder fixer cannot tell"
    named = _module_named(launch) if launch is not None and launch.server else None
    if launch is None or named is None or "$" in named:
        return None
    app = service.app
    base = unknown_base_workdir(app.dockerfile, app.stage)
    if base is not None:
        return (f"the command serves `{launch.target or named}`, and the image sets no "
                f"WORKDIR: fixer does not know the folder {base} runs it in")
    unread = _unread_python_path(ws, service)
    beyond = f": it may be in the image's PYTHONPATH folder `{unread}`, whose variable fixer " \
        "cannot resolve" if unread is not None else ""
    return (f"the command serves `{launch.target or named}`, and fixer finds no "
            f"{named.replace('.', '/')}.py where the server imports it from{beyond}")


def _unread_python_path(ws: Workspace, service: BuiltService) -> str | None:
    """The first PYTHONPATH entry that reads a variable other than PYTHONPATH itself
    (`$PWD/todos`: a build's `$PWD` is no variable fixer knows): the server may import the
    module from there."""
    value = _variable(ws, service, "PYTHONPATH") or ""
    return next((entry for entry in value.split(":")
                 if "$" in entry and entry.strip("${}") != "PYTHONPATH"), None)


def missing_module(ws: Workspace, service: Service) -> str | None:
    """Why the app module is not found, where the command names one the image does not hold
    (`missing_module_file`): None where it is found, or where something may bring it."""
    missing = missing_module_file(ws, service)
    if missing is None:
        return None
    return (f"the command serves `{missing.target}`, and fixer finds no {missing.file} in "
            f"{missing.cwd}, where it runs, nor on the image's import path, so the app may stop "
            "at start-up")


def missing_module_file(ws: Workspace, service: Service) -> MissingModule | None:
    """The module the command names that the image does not hold where the server runs
    (`uvicorn main:app` in /app, which `COPY . .` fills with `app/`, `requirements.txt`):
    None where it is found, or where a mount, PYTHONPATH, an installed project or a command
    fixer does not read may bring it."""
    if not isinstance(service, BuiltService) or _served_found(ws, service):
        return None
    app = service.app
    launch = app.listen.launch
    named = _module_named(launch) if launch is not None and launch.server else None
    path = fastapi_path(launch) if launch is not None else None
    if path is not None and launch is not None and not launch.runs_script and \
            service.get("volumes") is None:   # fastapi-cli reads the path, not sys.path
        return _missing_path(ws, service, launch, path)
    if launch is None or named is None or launch.runs_script or \
            not copies_context(app.dockerfile, app.stage) \
            or _python_path_beyond(ws, service, _cwd(service, launch)) \
            or installed_roots(ws.tree, service) or installs_local_code(service):
        return None   # a PYTHONPATH, even one fixer cannot resolve (`$PWD/todos`), may hold
        # it; so may a package the image installs (`pip install *.whl` of a build's wheel)
    cwd = _cwd(service, launch)
    if "$" in cwd or "$" in named or not _moves_known(ws, service, launch) or \
            _mounts_may_bring(ws, service, cwd, named):
        return None
    return MissingModule(launch.target or named, f"{named.replace('.', '/')}.py", cwd)


def _mounts_may_bring(ws: Workspace, service: Service, cwd: str, named: str) -> bool:
    """A `volumes:` entry of the service may put the module the server imports where it
    looks (`.:/app`, `./src/api:/app/api`, a volume over /app): one over a folder beside it
    (`./logs:/app/logs`) cannot. So may one fixer cannot read, or one into site-packages.
    A bind mount of a repository folder brings what the checkout holds there: it cannot
    bring a module the repository lacks at the mounted place (`./:/code` for `webapp.main`
    with no `webapp/main.py`), unless git ignores that path (a file the host may have)."""
    targets = volume_targets(service)
    if targets is None:
        return True
    top = posixpath.normpath(posixpath.join(cwd, named.split(".")[0]))
    module = posixpath.normpath(posixpath.join(cwd, *named.split(".")))
    mounted = {posixpath.normpath(target): source for source, target in bind_mounts(service)}
    return any(not target.startswith("/") or "$" in target or "-packages" in target or
               _covers(posixpath.normpath(target), top) and
               _may_hold(ws, mounted.get(posixpath.normpath(target)), target, module)
               for target in targets)


def mounts_may_bring(ws: Workspace, service: BuiltService, dotted: str) -> bool:
    """Whether a `volumes:` entry of the service may put the module `dotted`, imported from
    the server's working directory, where the server looks (`_mounts_may_bring`); True where
    fixer cannot tell that directory."""
    launch = service.app.listen.launch
    cwd = _cwd(service, launch) if launch is not None else "$"
    return "$" in cwd or _mounts_may_bring(ws, service, cwd, dotted)


def _may_hold(ws: Workspace, source: str | None, target: str, module: str) -> bool:
    """Whether what is mounted at `target` may hold the module (`module`: its container
    path, no suffix): anything but a repository folder may; that folder does where the
    repository holds the module's file or package there, or git ignores it."""
    if source is None or source.startswith(".."):
        return True
    inner = posixpath.relpath(module, posixpath.normpath(target))
    if inner.startswith(".."):
        return True
    base = posixpath.normpath(posixpath.join(source, inner))
    candidates = [f"{base}.py", posixpath.join(base, "__init__.py")]
    return any(ws.tree.exists(path) or not_committed(ws, path) for path in candidates) or \
        bool(files_under(ws.tree, base))   # a namespace package's folder


def _covers(target: str, top: str) -> bool:
    """The mount at `target` holds the top-level package or module `top` (its folder, or
    `top.py`), or puts something inside it."""
    return target in (top, top + ".py") or top.startswith(target.rstrip("/") + "/") or \
        target.startswith(top + "/")


def _moves_known(ws: Workspace, service: BuiltService, launch: Launch) -> bool:
    """Each folder the command's `cd` moves to is one the image has. A `cd` to one it may
    lack fails, and the command goes on where it was (a script without `set -e`) or stops:
    where the server then looks for its module, fixer cannot tell."""
    cwd = workdir(service)
    for folder in _words(service, launch)[1]:
        cwd = posixpath.normpath(posixpath.join(cwd, folder))
        if not folder_known(ws.tree, service, cwd):
            return False
    return True


def _missing_path(ws: Workspace, service: BuiltService, launch: Launch,
                  path: str) -> MissingModule | None:
    """`fastapi run app/main.py` where a COPY puts the folder the path names there from the
    build context, which lacks the file, or where the image's COPYs put nothing at the path
    and the command's `cd`s go where fixer knows (`COPY app ./app` and `fastapi run
    main.py`, as `uvicorn main:app` is judged): fastapi-cli stops ("Path does not exist")."""
    cwd = _cwd(service, launch)
    file = path + "__init__.py" if path.endswith("/") else path
    if "$" in cwd or "$" in path or locate(ws.tree, service, cwd, file) is not None:
        return None
    app = service.app
    if not folder_copied(ws.tree, service, cwd, posixpath.dirname(file) or ".") and not (
            copies_context(app.dockerfile, app.stage) and _moves_known(ws, service, launch)):
        return None
    return MissingModule(path, file, cwd, "fastapi-cli stops at start-up: the path does not "
                                          "exist", imported=False)


def fastapi_path(launch: Launch) -> str | None:
    """The file or package folder `fastapi run` is given (`app/main.py`, `app/`)."""
    target = launch.target or ""
    return target if launch.server == "fastapi" and target.endswith((".py", "/")) else None


@dataclass(frozen=True)
class MissingAttribute:
    """The name a command serves that the module it imports never binds."""

    target: str        # the module as imported, and the name: `main:application`
    name: str          # the name: `application`
    path: str          # the module's file, repository-relative


# what may bind a module's name unseen: a star import, a module `__getattr__`, writes to
# the module's namespace
_BINDS_UNSEEN = lazy_compile(r"\bimport\s*\*|__getattr__|\b(?:globals|vars|locals|setattr|exec)"
                             r"\s*\(|\bsys\.modules\b|__dict__")


# an import statement or call: in a package's `__init__.py`, what may bind a submodule
_IMPORTS = lazy_compile(r"\bimport\b|__import__")


def missing_app_attribute(ws: Workspace, service: Service) -> MissingAttribute | None:
    """The name the command serves (`uvicorn main:application`) where the module it imports
    never writes that name at all: the server stops at start-up ("Attribute "application"
    not found in module "main""). Read as text, so a name written anywhere (in a loop, a
    comment, a string) or a module that may bind names unseen is no finding; nor a package
    with a submodule of the name whose `__init__.py` imports anything (an import there may
    bind the submodule to the name, and what fails then is another story: a module is
    served), nor a module a mount or PYTHONPATH may shadow. A package `__init__.py` that
    imports nothing binds no submodule: `uvicorn app:app` beside `app/app.py` stops."""
    if not isinstance(service, BuiltService):
        return None
    found = find(ws, service)
    launch = service.app.listen.launch
    if found is None or not found.from_command or found.runner is not None or found.script \
            or not found.attr or launch is None or launch.server in (None, "fastapi") \
            or launch.runs_script or service.get("volumes") is not None \
            or python_path(ws, service):
        return None
    name = found.attr
    file = ws.read(found.path)
    # the name first: nearly every module writes it, and the scan for unseen binding is slower
    if not name.isidentifier() or file is None or \
            re.search(rf"\b{re.escape(name)}\b", file.text) or _BINDS_UNSEEN.search(file.text):
        return None
    folder = posixpath.dirname(found.path)
    if found.path.endswith("__init__.py") and _IMPORTS.search(file.text) and (
            ws.tree.exists(posixpath.join(folder, name + ".py"))
            or is_folder(ws.tree, posixpath.join(folder, name))):
        return None
    return MissingAttribute(f"{found.module}:{name}", name, found.path)


def _served_found(ws: Workspace, service: BuiltService) -> bool:
    """The module the command names is where the server imports it from. `find` guesses
    the context's `app/main.py` where the command's module is not found, which stands in
    for the other rules but says nothing of where the COPY puts it (`COPY app/ .` flattens
    the package): a guess is no module served where the command names one. A module a
    COPY names but the context's ignore file drops counts as found: the build stops at
    that COPY first, which D004 reports."""
    found = find(ws, service)
    if found is None:
        return False
    if found.from_command or _copy_of_it_fails(ws, service, found.path):
        return True
    launch = service.app.listen.launch
    return launch is None or launch.server is None or \
        not _resolved_target(ws, service, launch).target


def _copy_of_it_fails(ws: Workspace, service: BuiltService, path: str) -> bool:
    """A COPY names the repository file `path`, or a folder above it, and the context's
    ignore file drops all of it: the build stops there ("app: not found")."""
    app = service.app
    files = context_files(ws.tree, app.folder, app.dockerfile.path)
    prefix = app.folder + "/" if app.folder else ""
    if files.ignore is None or not path.startswith(prefix):
        return False
    relative = path[len(prefix):]
    return any((relative == source or relative.startswith(source + "/"))
               and files.drops_all_of(source)
               for source in context_sources(service) if source != ".")


def _with_python_path(ws: Workspace, service: Service, module: AppModule) -> AppModule:
    """The module, with what PYTHONPATH adds to its import root (the root itself left out:
    Python looks there first anyway)."""
    if not isinstance(service, BuiltService):
        return module
    added = tuple(pair for pair in on_python_path(ws, service) if pair[1] != module.root)
    return replace(module, python_path=added) if added else module


def _find(ws: Workspace, service: Service) -> AppModule | None:
    if not isinstance(service, BuiltService):
        return None
    launch = service.app.listen.launch
    if launch is not None:
        launch = _resolved_target(ws, service, launch)
    if launch is not None and launch.server is not None and not launch.target:
        return _untargeted(ws, service, launch)
    if launch is not None:
        found = _from_launch(ws, service, launch)
        if found is not None:
            return found
        if _names_a_file(launch):   # `fastapi run app/main.py` with no such file in the
            return None             # image: the container stops; another main.py is a guess
        if any("$" in folder for folder in _words(service, launch)[1]):
            return None   # `cd "$APP_DIR"`, or in a branch: the folder the server runs in is
            # not known, and the WORKDIR's main.py may be another module than the one it runs
        guessed = _guess(ws.tree, service.app.folder)
        named = _module_named(launch)
        # `uvicorn main:app` that fixer cannot place: `src/main.py` is another module, and
        # a `main.py` no COPY brings into the image (`COPY app ./app`) is none it serves
        if guessed is None or named is not None and guessed.module != named:
            return None
        app = service.app
        relative = guessed.path[len(app.folder) + 1:] if app.folder else guessed.path
        return guessed if may_hold(app.dockerfile, app.stage, relative) else None
    return _guess(ws.tree, service.app.folder)


# a target that is one variable: `"$APP_MODULE"`, `${APP_MODULE}`, and one with a default
# (`${APP_MODULE:-app.main:app}`, group 2)
_VARIABLE_TARGET = lazy_compile(r"^\$(?:(\w+)|\{(\w+)(?::?-([^{}$]*))?\})$")


def served_file(ws: Workspace, service: BuiltService) -> str | None:
    """Where in the container the file the command serves sits, from the folder the server
    runs in (`/code/app/main.py` for `uvicorn app.main:app` in `/code`, `/srv/main.py` for
    `python main.py` in `/srv`); None where the command names none."""
    launch = service.app.listen.launch
    launch = _resolved_target(ws, service, launch) if launch is not None else None
    target = launch.target if launch is not None else None
    if launch is None or not target or "$" in target:
        return None
    cwd = _cwd(service, launch)
    if launch.runs_script and not target.startswith("-m ") or \
            launch.server == "fastapi" and target.endswith((".py", "/")):
        return posixpath.normpath(posixpath.join(cwd, target))
    module = target.removeprefix("-m ").partition(":")[0]
    return posixpath.join(cwd, *module.split(".")) + ".py" if module else None


def _resolved_target(ws: Workspace, service: BuiltService, launch: Launch) -> Launch:
    """The launch with a target read from a variable resolved (`exec uvicorn "$APP_MODULE"`,
    `exec fastapi dev "$APP_PATH"`):
    the start script's own value (`APP_MODULE=app.main:app`), else the container's
    (compose's `environment`, then the image's ENV), else the default the script gives
    (`APP_MODULE=${APP_MODULE:-app.main:app}`), else the command's own
    (`uvicorn ${APP_MODULE:-app.main:app}`). Unchanged when none is known."""
    if launch.target:
        found = _VARIABLE_TARGET.match(launch.target)
        matches = [found] if found is not None else []
    else:   # the parser takes no variable for a target: the command may hold one
        region = service.app.listen.region
        line = region.commands[-1] if region is not None and region.commands else \
            _words(service, launch)[0]
        matches = [m for m in map(_VARIABLE_TARGET.match, line) if m is not None] or \
            _branch_targets(ws, service, launch)
    for match in matches:
        value = _value_of(ws, service, match)
        if value and (TARGET.fullmatch(value) or launch.server == "fastapi" and
                      _FASTAPI_PATH.fullmatch(value)):
            return replace(launch, target=value)
    return launch


def _branch_targets(ws: Workspace, service: BuiltService,
                    launch: Launch) -> list[re.Match[str]]:
    """The words that are one variable on the start script's lines that run the server, where
    they run it in the branches of an `if` (`uvicorn "${APP_MODULE}" --reload` where
    DEV_RELOAD is 1, else `uvicorn "${APP_MODULE}"`), which the script's command list does
    not hold: only where every such line takes the same ones, so that whichever branch runs,
    the variable names the app."""
    script = _script_text(ws, service) if service.app.listen.region is not None and \
        service.app.listen.region.script else None
    if script is None:
        return []
    lines = []
    for argv, _background in shell_jobs(script):
        lead = prefix_length(argv)
        if lead is not None and lead < len(argv) and \
                argv[lead].rsplit("/", 1)[-1] == launch.server:
            lines.append([m for m in map(_VARIABLE_TARGET.match, argv[lead + 1:])
                          if m is not None])
    if not lines or any([m[0] for m in line] != [m[0] for m in lines[0]] for line in lines):
        return []
    return lines[0]


# what the `fastapi` CLI takes for its app: a file's path (`src/app/main.py`) or a package
# folder's (`app/`)
_FASTAPI_PATH = lazy_compile(r"[\w.-]+(?:/[\w.-]+)*(?:\.py|/)")


def variable_value(ws: Workspace, service: BuiltService, word: str) -> str | None:
    """The value a command word that is one variable (`$WORKER_CLASS`, `"${APP}"`,
    `${APP:-app.main:app}`) has when the server starts, as `_resolved_target` reads it; None
    for another word or a value fixer cannot tell."""
    match = _VARIABLE_TARGET.match(word)
    return _value_of(ws, service, match) if match is not None else None


def _value_of(ws: Workspace, service: BuiltService, match: re.Match[str]) -> str | None:
    """The variable's value: the start script's (or `sh -c` command's) own, the container's
    (compose's `environment`, the image's ENV), the script's default, the command's own
    default."""
    name, inline = match.group(1) or match.group(2), match.group(3)
    script = _script_text(ws, service)
    app = service.app
    env = {**run_env(app.dockerfile, app.stage, app.args).values,
           **service.environment(ws.tree)}
    value = script_value(script, name, env) if script is not None else env.get(name)
    return value or inline


def _script_text(ws: Workspace, service: BuiltService) -> str | None:
    """The shell text that starts the server: the start script the command runs, else the
    `sh -c` script of the command itself (`sh -c "APP=...; exec uvicorn $APP"`)."""
    region = service.app.listen.region
    if region is not None and region.script:
        file = ws.read(region.path)
        return file.text[region.start:region.end] if file is not None else None
    app = service.app
    run = run_words(app.dockerfile, app.stage, service.command(), service.entrypoint())
    at = shell_script_at(run[1]) if run is not None else None
    return run[1][at] if run is not None and at is not None else None


def _module_named(launch: Launch) -> str | None:
    """The dotted module a server's command names (`main` of `uvicorn main:app`)."""
    target = launch.target or ""
    if not target or launch.runs_script and not target.startswith("-m ") or \
            target.endswith(".py"):
        return None
    return target.removeprefix("-m ").partition(":")[0] or None


def _names_a_file(launch: Launch) -> bool:
    """The command runs a Python file it names (`fastapi run app/main.py`, `python run.py`)."""
    target = launch.target or ""
    return target.endswith(".py") and (launch.server == "fastapi" or launch.runs_script)


def _guess(tree: Tree, context: str) -> AppModule | None:
    for candidate in FALLBACKS:
        path = posixpath.join(context, candidate) if context else candidate
        if tree.exists(path):
            module = candidate[:-3].replace("/", ".")
            return AppModule(path, context, module, None, False, False, False)
    return None


# the files `fastapi run` with no path serves, the first found in its working directory
_FASTAPI_DEFAULTS = ("main.py", "app.py", "api.py", "app/main.py", "app/app.py", "app/api.py")
# a string literal, and a comment after it: the value of a setting fixer reads
_LITERAL = lazy_compile(r"""(["'])([^"'\\]+)\1[ \t]*(?:#.*)?""")
# a command word that is only a variable: `uvicorn $APP_MODULE`, `"${APP}"`
_VARIABLE_WORD = lazy_compile(r"^\$\{?([A-Za-z_]\w*)\}?$")


def _untargeted(ws: Workspace, service: BuiltService, launch: Launch) -> AppModule | None:
    """A server command that names no `module:attr`: the app is where the server looks for
    it instead (a variable, gunicorn's `wsgi_app` in its configuration file, fastapi-cli's
    default files), and unknown where fixer does not read that: never the guessed
    app/main.py, which may be another app than the one served."""
    split = _words(service, launch)
    words = split[0]
    cwd = _cwd(service, launch, split)
    if launch.server == "fastapi":
        configured = _fastapi_entrypoint(ws, service, cwd)
        if configured is not None:   # its `[tool.fastapi] entrypoint` names the app
            return _from_launch(ws, service, replace(launch, target=configured)) \
                if TARGET.match(configured) else None
        found = next((f for f in _FASTAPI_DEFAULTS if locate(ws.tree, service, cwd, f)), None)
        return _fastapi_file(ws, service, cwd, found) if found else None
    target = _variable_target(ws, service, words) or \
        (_configured_target(ws, service, cwd, words) if launch.server == "gunicorn" else None)
    return _from_launch(ws, service, replace(launch, target=target)) if target else None


def _fastapi_entrypoint(ws: Workspace, service: BuiltService, cwd: str) -> str | None:
    """The `[tool.fastapi] entrypoint` of the pyproject.toml in the working directory, which
    fastapi-cli serves before its default files ("" when the table names none)."""
    path = locate(ws.tree, service, cwd, "pyproject.toml")
    file = ws.read(path) if path is not None else None
    if file is None or "fastapi" not in file.text:
        return None
    try:
        table = tomllib.loads(file.text).get("tool", {}).get("fastapi")
    except tomllib.TOMLDecodeError:
        return ""
    if not isinstance(table, dict):
        return None
    entry = table.get("entrypoint")
    return entry if isinstance(entry, str) else ""


def _variable_target(ws: Workspace, service: BuiltService, words: list[str]) -> str | None:
    """`uvicorn $APP_MODULE` with `APP_MODULE=app.main:app` set by compose or the image."""
    for word in words[1:]:
        match = _VARIABLE_WORD.match(word)
        if match is not None:
            value = _variable(ws, service, match.group(1))
            return value if value and TARGET.match(value) else None
    return None


def _configured_target(ws: Workspace, service: BuiltService, cwd: str,
                       words: list[str]) -> str | None:
    """gunicorn's `wsgi_app` in the file `-c` names, else in ./gunicorn.conf.py."""
    file = _config_file(ws, service, cwd, words)
    value = _literal_setting(file.text, "wsgi_app") if file is not None else None
    return value if value is not None and TARGET.match(value) else None


def gunicorn_setting(ws: Workspace, service: BuiltService, name: str,
                     options: tuple[str, ...]) -> tuple[str, str] | None:
    """The literal a gunicorn command's configuration file sets `name` to
    (`worker_class = "uvicorn.workers.UvicornWorker"`), and that file: the one `-c` names,
    else ./gunicorn.conf.py of its working directory, which gunicorn reads by default. None
    where GUNICORN_CMD_ARGS names another file or gives the setting's `options`, which win
    over the file."""
    launch = service.app.listen.launch
    if launch is None or launch.server != "gunicorn":
        return None
    given = (_variable(ws, service, "GUNICORN_CMD_ARGS") or "").strip("\"'").split()
    if any(word.startswith(option) for word in given for option in ("-c", "--config", *options)):
        return None
    words, cds = _words(service, launch)
    file = _config_file(ws, service, _cwd(service, launch, (words, cds)), words)
    value = _literal_setting(file.text, name) if file is not None else None
    return (value, file.path) if value is not None and file is not None else None


def _config_file(ws: Workspace, service: BuiltService, cwd: str,
                 words: list[str]) -> TextFile | None:
    """The gunicorn configuration file `-c` names, else ./gunicorn.conf.py, in the image."""
    name = _option(words, "-c") or _option(words, "--config") or "gunicorn.conf.py"
    path = locate(ws.tree, service, cwd, name.removeprefix("python:"))
    return ws.read(path) if path is not None and path.endswith(".py") else None


def _literal_setting(text: str, name: str) -> str | None:
    """The string a configuration file sets `name` to, when every assignment of it is that
    one literal and one is at the top level: another value assigned later, or under an
    `if`, may be the one that holds."""
    values: set[str] = set()
    top = False
    for match in re.finditer(rf"^([ \t]*){re.escape(name)}[ \t]*=(?!=)(.*)$", text, re.M):
        literal = _LITERAL.fullmatch(match.group(2).strip())
        if literal is None:
            return None
        values.add(literal.group(2))
        top = top or not match.group(1)
    return values.pop() if top and len(values) == 1 else None


def _cwd(service: BuiltService, launch: Launch,
         split: tuple[list[str], list[str]] | None = None) -> str:
    """The server's working directory: the image's, then the command's `cd`, `--app-dir`
    and `--chdir`. `split`: `_words(service, launch)`, when the caller has it already."""
    words, cds = split if split is not None else _words(service, launch)
    cwd = workdir(service)
    for folder in cds:
        cwd = posixpath.normpath(posixpath.join(cwd, folder))
    for option in ("--app-dir", "--chdir"):
        value = _option(words, option)
        if value:
            cwd = posixpath.normpath(posixpath.join(cwd, _home(service, launch, value)))
    return cwd


def _home(service: BuiltService, launch: Launch, path: str) -> str:
    """`~/svc` as a shell expands it: root's home where nothing names another user (no
    USER in the final stage's chain, no compose `user:`); kept as written otherwise, and in
    an exec-form command, where no shell expands it."""
    if not launch.via_shell or not (path == "~" or path.startswith("~/")):
        return path
    users = [i for stage in chain(service.app.dockerfile, service.app.stage)
             for i in stage.find("USER")]
    root = service.scalar("user") in (None, "root", "0") and \
        all(i.value and i.value[0].split(":")[0] in ("root", "0") for i in users)
    return "/root" + path[1:] if root else path


def _from_launch(ws: Workspace, service: BuiltService, launch: Launch) -> AppModule | None:
    split = _words(service, launch)
    words = split[0]
    cwd = _cwd(service, launch, split)
    target = launch.target
    if not target:
        return None
    if launch.runs_script and not target.startswith("-m "):
        return _script(ws, service, cwd, target)
    if launch.server == "fastapi" and target.endswith(".py"):
        return _fastapi_file(ws, service, cwd, target)
    if launch.server == "fastapi" and target.endswith("/"):   # a package folder
        return _fastapi_file(ws, service, cwd, target + "__init__.py")
    module, _, attr = target.removeprefix("-m ").partition(":")
    factory = "--factory" in words or attr.endswith(")")
    # the working directory first: the server puts it on sys.path
    found = _imported(ws, service, cwd, cwd, module, attr.split("(")[0] or None, factory)
    if found is None and launch.runs_script:   # `python -m app`, app/ with no __init__.py
        found = _namespace_main(ws, service, cwd, module)
    if found is None or not launch.runs_script:
        return found
    # `python -m app.serve` (or `-m app`, its `__main__`) runs a module whose `uvicorn.run`
    # may name the app: imported, as `-m` imports, from the working directory
    ran = _package_main(ws, found.path)
    return _with_app(service, _as_module(found, ran) if ran != found.path else found,
                     _served_by(ws, service, cwd, cwd, ran, found.package))


def _imported(ws: Workspace, service: BuiltService, first: str, cwd: str, module: str,
              attr: str | None, factory: bool) -> AppModule | None:
    """The module `import module` finds in the image: in the folder first on sys.path, then
    in PYTHONPATH's folders (relative to the working directory `cwd`), then in a project the
    image installs. A package before a module of the same name, as Python's import finds
    them: `api/` with an `__init__.py` beside `api.py` is the `api` that `uvicorn api:app`
    imports."""
    for folder in [first, *(posixpath.normpath(posixpath.join(cwd, p))
                            for p in python_path(ws, service))]:
        for relative in (module.replace(".", "/") + "/__init__.py",
                         module.replace(".", "/") + ".py"):
            path = locate(ws.tree, service, folder, relative)
            if path is not None:
                root = _up(path, module.count(".") + (2 if relative.endswith("__init__.py")
                                                      else 1))
                return AppModule(path, root, module, attr, factory, False, True)
    return _installed_module(ws, service, module, attr, factory)


def _namespace_main(ws: Workspace, service: BuiltService, cwd: str,
                    module: str) -> AppModule | None:
    """The `__main__.py` that `python -m app` runs where `app/` is a namespace package (no
    `__init__.py`): Python runs a package's `__main__` whether or not it has one. Looked
    for where `_imported` looks: the working directory, then PYTHONPATH's folders."""
    relative = module.replace(".", "/") + "/__main__.py"
    for folder in [cwd, *(posixpath.normpath(posixpath.join(cwd, p))
                          for p in python_path(ws, service))]:
        path = locate(ws.tree, service, folder, relative)
        if path is not None:
            return AppModule(path, _up(path, module.count(".") + 2), module + ".__main__",
                             None, False, False, True)
    return None


def _installed_module(ws: Workspace, service: BuiltService, module: str, attr: str | None,
                      factory: bool) -> AppModule | None:
    """The module in a package of the project the image installs (`pip install .` of a
    src layout), which site-packages puts on sys.path after the working directory."""
    for root in installed_roots(ws.tree, service):
        for relative in (module.replace(".", "/") + "/__init__.py",
                         module.replace(".", "/") + ".py"):
            path = posixpath.join(root, relative) if root else relative
            package = posixpath.join(root, module.split(".")[0], "__init__.py")
            if ws.tree.exists(path) and ("." not in module or ws.tree.exists(package)):
                return AppModule(path, root, module, attr, factory, False, True)
    return None


def python_path(ws: Workspace, service: BuiltService) -> list[str]:
    """The folders PYTHONPATH puts on sys.path. Entries that read a variable
    (`:$PYTHONPATH`) are left out."""
    value = _variable(ws, service, "PYTHONPATH")
    return [entry for entry in (value or "").split(":") if entry and "$" not in entry]


# Python files of the build context whose place in the image is read to map PYTHONPATH
_MAPPED_LIMIT = 5_000


def on_python_path(ws: Workspace, service: BuiltService) -> OnPythonPath:
    """The top-level modules and packages that the folders of PYTHONPATH hold in the image,
    each with the repository folder it comes from: where the COPYs put its Python files
    at <entry>/<their path below that folder> (`ENV PYTHONPATH=/code`, WORKDIR /code and
    `COPY app ./app` hold `app` from the service's folder). The first entry that holds a
    name gives it, as Python searches them in order. Only what the image holds: a name
    copied under another (`COPY src/core ./app`) or from two folders is left out, and
    so is an entry no COPY of the build context puts Python files in (a bind mount, a
    folder the build fetches): fixer does not guess what it holds."""
    launch = service.app.listen.launch
    cwd = _cwd(service, launch) if launch is not None else workdir(service)
    entries = [posixpath.normpath(posixpath.join(cwd, entry))
               for entry in python_path(ws, service)]
    if not entries:
        return ()
    sources = [path for path in files_under(ws.tree, service.app.folder)
               if path.endswith(".py")][:_MAPPED_LIMIT]
    landed = [(path, at) for path in sources
              if (at := image_path_of(ws.tree, service, path)) is not None]
    found: dict[str, str | None] = {}
    for entry in entries:
        for name, folder in _held_at(entry, landed).items():
            found.setdefault(name, folder)
    return tuple((name, folder) for name, folder in found.items() if folder is not None)


def _held_at(entry: str, landed: list[tuple[str, str]]) -> dict[str, str | None]:
    """The top-level names below the image folder `entry`, each with the repository folder
    its files come from (None where they come from two, or under another name)."""
    held: dict[str, str | None] = {}
    prefix = entry.rstrip("/") + "/"
    for path, at in landed:
        rest = at[len(prefix):] if at.startswith(prefix) else ""
        name = rest.split("/")[0].removesuffix(".py")
        if not name.isidentifier():
            continue
        folder = path[:-len(rest)].rstrip("/") \
            if path == rest or path.endswith("/" + rest) else None
        held[name] = folder if held.get(name, folder) == folder else None
    return held


def sets_python_path(ws: Workspace, service: BuiltService) -> bool:
    """The container's environment sets PYTHONPATH (compose's or the image's), whatever it
    holds: folders other than the command's own may be on sys.path."""
    return _variable(ws, service, "PYTHONPATH") is not None


def python_path_beyond_cwd(ws: Workspace, service: BuiltService) -> bool:
    """The container's PYTHONPATH names a folder other than the server's working directory
    (or one fixer cannot read): a module may come from there. `ENV PYTHONPATH=/app` beside
    `WORKDIR /app` adds none. Any PYTHONPATH counts where fixer reads no server."""
    launch = service.app.listen.launch
    if launch is None:
        return sets_python_path(ws, service)
    return _python_path_beyond(ws, service, _cwd(service, launch))


def _python_path_beyond(ws: Workspace, service: BuiltService, cwd: str) -> bool:
    """The container's PYTHONPATH names a folder other than `cwd`, where the server already
    looks (`ENV PYTHONPATH=/app` beside `WORKDIR /app` adds nothing), or one fixer cannot
    read (`$PWD/todos`)."""
    value = _variable(ws, service, "PYTHONPATH")
    if value is None:
        return False
    entries = [entry for entry in value.split(":") if entry]
    return any("$" in entry or posixpath.normpath(posixpath.join(cwd, entry)) !=
               posixpath.normpath(cwd) for entry in entries) or "$" in cwd


def _variable(ws: Workspace, service: BuiltService, name: str) -> str | None:
    """A variable of the container's environment: compose's `environment`/`env_file`
    value, else the image's `ENV` (the final stage's, else the nearest stage it is built
    from; an `ARG` is gone at run time)."""
    value = service.environment(ws.tree).get(name)
    app = service.app
    return value if value is not None else run_env(app.dockerfile, app.stage).values.get(name)


def _script(ws: Workspace, service: BuiltService, cwd: str, target: str) -> AppModule | None:
    path = locate(ws.tree, service, cwd, target)
    if path is None:
        return None
    # `python serve.py` puts the script's own folder first on sys.path
    first = posixpath.dirname(posixpath.normpath(posixpath.join(cwd, target)))
    return _with_app(service, _as_script(path), _served_by(ws, service, first, cwd, path))


def _package_main(ws: Workspace, path: str) -> str:
    """The file `python -m` runs for the module at `path`: a package's `__main__.py`."""
    if posixpath.basename(path) != "__init__.py":
        return path
    main = posixpath.join(posixpath.dirname(path), "__main__.py")
    return main if ws.tree.exists(main) else path


def _as_module(found: AppModule, ran: str) -> AppModule:
    """The package's `__main__.py` that `python -m package` runs, as the module it is."""
    return replace(found, path=ran, module=found.module + ".__main__")


def _with_app(service: BuiltService, ran: AppModule, served: AppModule | None) -> AppModule:
    """What the module the command runs serves: the other module its `uvicorn.run` names
    (`served`, with `ran` as its runner), else `ran` with the app that call names, by
    import string (`uvicorn.run("main:create_app", factory=True)` in main.py) or as its own
    name (`uvicorn.run(api)`, `uvicorn.run(create_app())`), where a guess by name would
    find `app` or nothing."""
    if served is not None and served.path != ran.path:
        return served
    if served is not None:
        return replace(ran, attr=served.attr, factory=served.factory)
    serves = service.app.listen.serves
    if serves is not None and serves.own:
        return replace(ran, attr=serves.target, factory=serves.factory)
    return ran


def _as_script(path: str) -> AppModule:
    return AppModule(path, posixpath.dirname(path), posixpath.basename(path)[:-3], None,
                     False, True, True)


def run_first(module: AppModule) -> AppModule:
    """What Python runs first for the app module: its runner, as a top-level module
    (`python serve.py` before the `app.main` its `uvicorn.run` names) or as the package
    module `-m` runs (`python -m app.serve`), else the module."""
    if module.runner is None:
        return module
    if not module.runner_package:
        return replace(_as_script(module.runner), python_path=module.python_path)
    name = posixpath.basename(module.runner)[:-3]
    return AppModule(module.runner, module.root, f"{module.runner_package}.{name}", None, False,
                     False, True, python_path=module.python_path)


def _served_by(ws: Workspace, service: BuiltService, first: str, cwd: str,
               script: str, package: str = "") -> AppModule | None:
    """The module the script's `uvicorn.run("app.main:app")` names, as the script imports
    it: from `first`, the folder Python puts first on sys.path (`python serve.py`: the
    script's own; `python -m app.serve`: the working directory). None when the call names no
    string or a module not in the image."""
    serves = service.app.listen.serves
    if serves is None or serves.own:
        return None
    module, _, attr = serves.target.partition(":")
    found = _imported(ws, service, first, cwd, module, attr, serves.factory)
    if found is None or found.path == script:
        return found   # the script itself, imported again by name: no runner
    return replace(found, runner=script, runner_package=package)


def _fastapi_file(ws: Workspace, service: BuiltService, cwd: str, target: str) -> AppModule | None:
    """`fastapi run app/main.py` imports the file as a package module when its folders have
    `__init__.py` files, else as a top-level module from its own folder; `fastapi run app`,
    the package (`app/__init__.py`)."""
    path = locate(ws.tree, service, cwd, target)
    if path is None:
        return None
    parts = [posixpath.basename(path)[:-3]]
    folder = posixpath.dirname(path)
    if parts == ["__init__"]:   # the package itself (`fastapi run app`)
        parts, folder = [posixpath.basename(folder)], posixpath.dirname(folder)
    while folder and ws.tree.exists(posixpath.join(folder, "__init__.py")):
        parts.insert(0, posixpath.basename(folder))
        folder = posixpath.dirname(folder)
    return AppModule(path, folder, ".".join(parts), None, False, False, True)


def _up(path: str, levels: int) -> str:
    for _ in range(levels):
        path = posixpath.dirname(path)
    return path


def _words(service: BuiltService, launch: Launch) -> tuple[list[str], list[str]]:
    """The argv segment that starts the server, and the `cd` folders run before it."""
    region = service.app.listen.region
    argv: list[str] = []
    if region is not None and region.script:   # the start script's commands, in its order
        return _segment([list(command) for command in region.commands], launch)
    if region is not None and region.kind == "entrypoint":
        given, found = service.entrypoint(), service.command()
        # a `command:` written as a string Compose splits as a shell would (`-c "cd /code/app
        # && uvicorn main:app"` is two words after `entrypoint: bash`)
        words = found[2] if found else []
        written = found is not None and scalar(found[1]) is not None
        argv = [*(given[2] or [] if given else []),
                *(compose_words(words[0]) if written and len(words) == 1 else words)]
    elif region is not None and region.kind == "command":
        found = service.command()
        argv = found[2] if found else []
        if len(argv) == 1:
            argv = compose_words(argv[0])
    elif region is not None and region.kind == "FROM":   # the base image's own start
        argv = start_words(launch.target or "", "/start-reload.sh"
                           if launch.server == "uvicorn" else "/start.sh")
    elif region is not None and region.instruction is not None:
        argv = list(region.instruction.value)
        if not region.instruction.json:
            argv = ["sh", "-c", " ".join(argv)]
    script = shell_script_at(argv)
    if script is not None:
        return _segment(split_shell(argv[script]), launch)
    return argv, []


def _segment(segments: list[list[str]], launch: Launch) -> tuple[list[str], list[str]]:
    """The segment that starts the server, and the folders `cd` and `pushd` move to before
    it (`popd` back to where its `pushd` was)."""
    cds: list[str] = []
    pushed: list[list[str]] = []
    at_server: tuple[list[str], list[str]] | None = None
    # variables set to a folder: `ROOT=/srv` as written, `DIR=$PWD` as the moves made so far
    folders: dict[str, str | list[str]] = {}
    for segment in segments:
        if segment[0] in ("cd", "pushd") and len(segment) == 2:
            if segment[0] == "pushd":
                pushed.append(list(cds))
            held = _folder_of(segment[1], folders)
            cds = list(held) if isinstance(held, list) else [*cds, held]
        elif segment[0] == "popd" and len(segment) == 1:
            cds = pushed.pop() if pushed else [*cds, "$OLDPWD"]   # unknown: found nowhere
        elif all(_ASSIGNS.match(word) for word in segment):
            # `APP_PATH=src/app/main.py`: the value a later command reads
            for word in segment:
                name, _, value = word.partition("=")
                folders[name] = list(cds) if value in _HERE else value
            continue
        elif launch.target and any(launch.target in word for word in segment) or \
                not launch.target and launch.server in segment:
            return segment, cds
        elif at_server is None and launch.server in segment:
            at_server = (segment, list(cds))
    # a target read from a variable (`exec fastapi dev "$APP_PATH"`): the server's own line
    return at_server if at_server is not None else ([], cds)


# a shell assignment word: `NAME=value`
_ASSIGNS = lazy_compile(r"[A-Za-z_]\w*=")
# what names the folder the script is in when it runs (`DIR=$PWD`, `HERE=$(pwd)`)
_HERE = frozenset({"$PWD", "${PWD}", "$(pwd)", "`pwd`"})


def _folder_of(word: str, folders: dict[str, str | list[str]]) -> str | list[str]:
    """Where a `cd` word goes: a variable the script set to a folder before it, as that
    folder (`ROOT=/srv` then `cd $ROOT`), or as the moves made when it was set (`DIR=$PWD`
    then `cd $DIR` goes back there); the word as written otherwise (unknown where it holds
    a `$`)."""
    found = _VARIABLE_TARGET.match(word)
    value = folders.get(found.group(1) or found.group(2)) if found is not None else None
    if isinstance(value, list) or value is not None and "$" not in value and "`" not in value:
        return value
    return word




def _option(words: list[str], name: str) -> str | None:
    for i, word in enumerate(words):
        if word == name and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def launch_words(service: Service) -> list[str]:
    """The argv segment that starts the service's server; empty when none is found."""
    if not isinstance(service, BuiltService):
        return []
    launch = service.app.listen.launch
    return _words(service, launch)[0] if launch is not None else []


# the import path of each app module: S004, I001, I003, C004 and the stack check all walk it,
# and a walk parses every module on it; kept across fix rounds while its files are unchanged
_PATHS: Memo[dict[str, str]] = Memo("import path")


def import_packages(ws: Workspace, module: AppModule) -> dict[str, str]:
    """The files importing the app module runs, each with the `__package__` it runs as
    (`Modules.import_packages`), computed once while those files are unchanged."""
    return ws.tree.carried.remember(_PATHS, module, ws.tree, lambda: _import_packages(ws,
                                                                                     module))


def _import_packages(ws: Workspace, module: AppModule) -> dict[str, str]:
    """The runner script's import path first (it runs at the top level), then the module's."""
    modules = Modules(ws.read, module.root, module.python_path)
    ran = modules.import_packages(module.runner, module.runner_package) \
        if module.runner is not None else {}
    return ran | {path: package for path, package in modules.import_packages(
        module.path, module.package).items() if path not in ran}


def import_path(ws: Workspace, module: AppModule) -> list[str]:
    return list(import_packages(ws, module))

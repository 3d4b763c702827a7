"""What a built service that is no app service runs, where fixer can tell: the report's
app-only categories are "not applicable" to a celery worker or an nginx frontend (no app
service, as docs/rules.md says), "not checked" where fixer cannot tell what the container
serves; and the build contexts fixer does not read at all (a project template's folder),
whose services it did not check. `fixer check` names the last two after its summary."""

from __future__ import annotations

import posixpath
import re
import sys

from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import SKIPPED_DIRS, Tree, skipped_folder
from fixer.core.tree_index import files_under
from fixer.facts.builds.elsewhere import project_folder_holding
from fixer.facts.database.images import family, runs_postgres
from fixer.facts.image.builttags import INFRA_IMAGES, image_name
from fixer.facts.image.images import tool_status
from fixer.model.appservice import unknown_start
from fixer.model.listen import as_run
from fixer.model.services import (BuiltService, Service, locate_build, remote_context,
                                  unset_build_variable)
from fixer.model.image_paths import in_image
from fixer.model.startscript import program_run
from fixer.model.workspace import Workspace
from fixer.sources.compose import get, scalar
from fixer.sources.dockerfile import Instruction, chain, cmd_in_force, entrypoint
from fixer.sources.launch import prefix_length, shell_jobs, shell_script_at
from fixer.sources.python_modules import Modules

# Programs that serve no FastAPI app, by the name a command runs them as -> how the report
# names them: Node and nginx frontends, Flask and Django apps, task queues and their web UI,
# test runners, migrations, and the database and broker servers an image built on theirs
# runs (`command: ["postgres", "-c", "max_connections=100"]`)
_NOT_FASTAPI = {
    "nginx": "nginx", "node": "node", "npm": "npm", "npx": "npx", "yarn": "yarn",
    "pnpm": "pnpm", "flask": "flask", "manage.py": "Django's manage.py", "celery": "celery",
    "flower": "flower", "pytest": "pytest", "py.test": "pytest", "alembic": "alembic",
    "postgres": "postgres", "mysqld": "mysql", "mariadbd": "mariadb", "mongod": "mongo",
    "redis-server": "redis", "valkey-server": "valkey", "rabbitmq-server": "rabbitmq",
}
# the official nginx images, which run nginx when no command of the Dockerfile replaces theirs
_NGINX_IMAGE = lazy_compile(r"^(?:[\w.:-]+/)?(?:library/|nginxinc/)?nginx(?:-unprivileged)?"
                            r"(?:[:@]|$)", re.IGNORECASE)
_PYTHON = lazy_compile(r"^python[\d.]*$")


def without_python(service: Service) -> bool:
    """The image surely has no Python (distroless `static`, `scratch`, a Go binary's): it
    serves no FastAPI app, whatever Python its build context holds."""
    return isinstance(service, BuiltService) and \
        tool_status(service.app.dockerfile, service.app.stage, "python") is False


def start_unchecked(ws: Workspace, service: Service) -> bool:
    """A built service whose app checks did not run: fixer cannot tell that what its
    container runs serves the app its build context imports (`unknown_start`), and it
    runs no program known to serve none (`celery`, `not_fastapi`) in an image with Python.
    What `fixer report` calls "not checked", and `fixer check` names after "All checks
    passed"."""
    return unknown_start(ws, service) and not_fastapi(ws.tree, service) is None \
        and not without_python(service)


def not_fastapi(tree: Tree, service: Service) -> str | None:
    """The program the service's container runs, where it is one that serves no FastAPI app
    (`celery`, `nginx`, `npm`), also as the last command of a start script of the
    repository it runs (`/worker-start.sh` ending in `celery worker ...`); None where fixer
    cannot tell. With no Dockerfile read, only compose's `command:` and `entrypoint:` tell."""
    words = _container_words(service)
    if words is None:
        return None
    if not words:   # nothing of the Dockerfile's replaces the base image's own command
        base = chain(service.app.dockerfile, service.app.stage)[-1].base \
            if service.app is not None else ""
        # a database, broker or other server built on its official image (`FROM
        # postgres:16` adding an init script) runs that server, whatever its context holds
        server = image_name(base)
        return "nginx" if _NGINX_IMAGE.match(base) else family(base) or \
            ("postgres" if runs_postgres(base) else None) or \
            (server if server in INFRA_IMAGES else None)
    return _runs_no_fastapi(tree, service, words)


def _runs_no_fastapi(tree: Tree, service: Service, words: list[str],
                     depth: int = 0) -> str | None:
    """`not_fastapi` of the container's words: also through a start script that ends in
    `exec "$@"` (an ENTRYPOINT that waits for the database, then runs its arguments, the
    compose `command:` `/start-celeryworker`): what its arguments run."""
    program = _program(words)
    if program is None:
        return _quiet_script(tree, service, words)
    run = _script_run(tree, service, words)
    if run == "$@" and _SHIFT.search(_script_text(tree, service, words) or ""):
        return None   # it drops arguments first (`wait-for-postgres.sh db uvicorn ...`)
    if run == "$@" and depth < 3:
        script = program_run(words)
        arguments = words[words.index(script) + 1:] if script in words else []
        return _runs_no_fastapi(tree, service, arguments, depth + 1) if arguments else None
    if program == _base_server(service):   # `minio server /data` built on minio's image
        return program
    if program == "manage.py" and not _holds_manage_py(tree, service):
        return None   # a command left over from another project: it runs nothing of Django
    # `python -m app.worker` names the module as its program: the repository's own module
    return _NOT_FASTAPI.get(program) or _NOT_FASTAPI.get(run or "") \
        or _quiet_script(tree, service, words)


def _base_server(service: Service) -> str | None:
    """The server whose official image the service's Dockerfile builds on (`FROM
    minio/minio`: minio), where it is one that serves no Python app (`INFRA_IMAGES`)."""
    if service.app is None:
        return None
    server = image_name(chain(service.app.dockerfile, service.app.stage)[-1].base)
    return server if server in INFRA_IMAGES else None


def _holds_manage_py(tree: Tree, service: Service) -> bool:
    """The build context holds a `manage.py` for `python manage.py ...` to run (without one,
    the container stops at once: it is no Django app either); with no Dockerfile read, the
    command is taken as it says."""
    app = service.app
    return app is None or any(posixpath.basename(path) == "manage.py"
                              for path in files_under(tree, app.folder))


# a name in a script's modules that may serve an app, or run code fixer does not follow:
# the web frameworks and servers, and dynamic imports, subprocesses and exec
_MAY_SERVE = lazy_compile(r"\b(?:fastapi|starlette|uvicorn|hypercorn|granian|gunicorn|daphne|"
                          r"flask|django|aiohttp|tornado|sanic|litestar|quart|importlib|"
                          r"__import__|runpy|subprocess|system|exec\w*|eval|spawn\w*)\b")


# a module `python -m` runs: dotted identifiers
_MODULE_NAME = lazy_compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


def _quiet_script(tree: Tree, service: Service, words: list[str]) -> str | None:
    """`python worker.py` or `python -m app.worker`, where the script (or module, and the
    packages above it) and every module of the repository it imports name no web framework
    or server and run no code fixer does not follow (an import by a name built at run time,
    a subprocess): the command, as the report names it. None where fixer cannot read all of
    it (a module it imports from a folder of the build context that is not on its import
    path, which PYTHONPATH may put there)."""
    app = service.app
    at = prefix_length(words)
    rest = words[at:] if at is not None else []
    if app is None or len(rest) < 2 or not _PYTHON.match(posixpath.basename(rest[0])):
        return None
    started = _started(tree, service, rest)
    if started is None:
        return None
    command, root, starts = started
    modules = Modules(tree.peek, root)
    local = {posixpath.basename(p).removesuffix(".py") for p in files_under(tree, app.folder)} \
        | {part for p in files_under(tree, app.folder) for part in p.split("/")[:-1]}
    for path, package in starts:
        for file_path in modules.import_path(path, package):
            loaded = modules.load(file_path)
            if loaded is None or _MAY_SERVE.search(loaded[0].text):
                return None
            names = Modules.names_imported(*loaded, modules.package_of(file_path) or "")
            if any(modules.path_of(name) is None and name.split(".")[0] in local
                   and name.split(".")[0] not in sys.stdlib_module_names for name in names):
                return None   # a module of the build context fixer does not find from here
    return f"`{command}`, which imports no web framework or server"


def _started(tree: Tree, service: Service, rest: list[str]
             ) -> tuple[str, str, list[tuple[str, str]]] | None:
    """What `python X.py` or `python -m a.b` starts: the command as written, the import root
    (the script's folder; the working directory for `-m`), and the files it runs first, each
    with its package (`-m a.b` imports the package `a` before it runs `a/b.py`)."""
    app = service.app
    if app is None:
        return None
    if rest[1].endswith(".py"):
        path = in_image(tree, app.folder, app.dockerfile, app.stage, rest[1])
        return None if path is None else (" ".join(rest[:2]), posixpath.dirname(path),
                                          [(path, "")])
    if rest[1] != "-m" or len(rest) < 3 or not _MODULE_NAME.match(rest[2]):
        return None
    parts = rest[2].split(".")
    path = in_image(tree, app.folder, app.dockerfile, app.stage, "/".join(parts) + ".py")
    if path is None:
        return None
    root = posixpath.dirname(path)
    for _part in parts[1:]:
        root = posixpath.dirname(root)
    packages = [(posixpath.join(root, *parts[:n], "__init__.py"), ".".join(parts[:n]))
                for n in range(1, len(parts))]
    starts = [(p, package) for p, package in packages if tree.peek(p) is not None]
    return " ".join(rest[:3]), root, [*starts, (path, ".".join(parts[:-1]))]


def _script_run(tree: Tree, service: Service, words: list[str]) -> str | None:
    """The program a start script of the repository that the words run keeps running: its
    last command (`_script_program`), comments and blank lines aside."""
    text = _script_text(tree, service, words)
    return _script_program(text) if text is not None else None


def _script_text(tree: Tree, service: Service, words: list[str]) -> str | None:
    """The commands of the `#!` start script of the repository the words run, comments and
    blank lines left out; None where they run no such script."""
    app = service.app
    path = in_image(tree, app.folder, app.dockerfile, app.stage, program_run(words)) \
        if app is not None else None
    file = tree.peek(path) if path is not None else None
    if file is None or not file.text.startswith("#!"):
        return None
    return "\n".join(line for line in file.text.splitlines() if line.strip()
                     and not line.lstrip().startswith("#"))


# `shift`, `shift 2`: a script that drops its first arguments before it runs the rest
_SHIFT = lazy_compile(r"(?<![\w-])shift(?![\w-])")


def unread_folder(tree: Tree, service: Service) -> str | None:
    """The folder fixer does not read that holds the service's Dockerfile (a project
    template's `{{cookiecutter.slug}}/`), as S001 leaves such a build alone: fixer cannot
    tell what is there, so nothing of the service is checked. None for any other build."""
    try:
        build = locate_build(tree, service)
    except InputError:
        return None
    return skipped_folder(build.dockerfile) if build is not None else None


def unread_build(ws: Workspace, service: Service) -> str | None:
    """Why fixer read nothing of a built service's image: its build context is in a folder
    it does not read (`unread_folder`), its Dockerfile is written in compose
    (`dockerfile_inline`), its context is a remote repository, its build path reads a
    variable only the shell may set, or Compose finds its Dockerfile only from another
    project directory (`elsewhere.py`); None for any other."""
    tree = ws.tree
    folder = unread_folder(tree, service)
    if folder is not None:
        kind = "a folder" if posixpath.basename(folder) in SKIPPED_DIRS else \
            "a template folder"
        return f"its build context is in `{folder}/`, {kind} fixer does not read"
    build = service.get("build")
    node = build[1] if build is not None else None
    if node is not None and get(node, "dockerfile_inline") is not None:
        return "its Dockerfile is written in compose (`dockerfile_inline`), which fixer " \
               "does not read"
    context = scalar(get(node, "context")) or scalar(node) if node is not None else None
    if context is not None and remote_context(context):
        return f"its build context is a remote repository (`{context}`), which fixer does " \
               "not read"
    unset = unset_build_variable(service, service.stack.dotenv)
    if unset and service.app is None:
        return (f"its build path reads `${unset}`, which no .env of the stack sets: only "
                "the shell or an `--env-file` may")
    return _built_from_elsewhere(ws, service) if service.app is None else None


def _built_from_elsewhere(ws: Workspace, service: Service) -> str | None:
    try:
        build = locate_build(ws.tree, service)
    except InputError:
        return None   # the workspace reports it
    if build is None or ws.tree.exists(build.dockerfile):
        return None
    folder = project_folder_holding(ws, build)
    if folder is None:
        return None
    return (f"its Dockerfile is not at {build.dockerfile}, where fixer resolves it from the "
            f"compose file's folder; Compose finds it from `{folder or '.'}/`, the project "
            "directory the repository runs it with, which fixer does not follow")


def _container_words(service: Service) -> list[str] | None:
    """The words the container runs: compose's `entrypoint:` with `command:` as its
    arguments (the image's CMD never runs then); else the image's ENTRYPOINT, in exec form
    with compose's `command:` or the image's CMD as its arguments; else compose's
    `command:`, else the image's CMD. [] where none is written (the base image's own runs);
    None where fixer cannot read them, or has no Dockerfile to read them from."""
    given, command = service.entrypoint(), service.command()
    arguments = as_run(command[1], command[2]) if command is not None else None
    if given is not None:
        words = as_run(given[1], given[2]) if given[2] is not None else None
        return None if words is None else [*words, *(arguments or [])]
    app = service.app
    if app is None:
        return arguments
    image_entrypoint = entrypoint(app.dockerfile, app.stage)
    if arguments is None:
        cmd = cmd_in_force(app.dockerfile, app.stage)
        arguments = _instruction_words(cmd) if cmd is not None else []
    if image_entrypoint is None:
        return arguments
    if not image_entrypoint.json:   # a shell-form ENTRYPOINT ignores the CMD
        return _instruction_words(image_entrypoint)
    return [*image_entrypoint.value, *arguments]


def _instruction_words(instruction: Instruction) -> list[str]:
    """A CMD or ENTRYPOINT as Docker runs it: exec form as written, shell form through
    `/bin/sh -c`."""
    return list(instruction.value) if instruction.json else \
        ["/bin/sh", "-c", " ".join(instruction.value)]


def _program(words: list[str]) -> str | None:
    """The name of the program the words run: past the wrappers a command reads as such
    (`exec`, `env A=B`, `tini --`, `poetry run`, `gosu app`: `prefix_length`), `python -m X` (X) and a shell's `-c` script (its last
    command, unless another runs in the background beside it); None where fixer cannot
    tell."""
    at = prefix_length(words)
    rest = words[at:] if at is not None else []
    if not rest or rest[0].startswith("-"):
        return None   # an option of a wrapper fixer does not read
    script = shell_script_at(rest)
    if script is not None:
        return _script_program(rest[script])
    name = posixpath.basename(rest[0])
    if name == "watchfiles":
        return _watched_program(rest[1:])
    return _python_program(rest[1:]) if _PYTHON.match(name) else name


# watchfiles's options that take a value, and those that take none
_WATCHFILES_VALUED = frozenset({"--filter", "--ignore-paths", "--args", "--target-type",
                                "--verbosity", "--sigint-timeout", "--sigkill-timeout",
                                "--grace-period"})
_WATCHFILES_FLAGS = frozenset({"--non-recursive", "--verbose", "--ignore-permission-denied"})


def _watched_program(arguments: list[str]) -> str | None:
    """What `watchfiles` runs, and restarts on each change: its target, a command (`"celery
    -A app worker"`) or a function by its dotted path, whose package names the program
    where it is one `_NOT_FASTAPI` knows (`celery.__main__.main`, celery's own entry point,
    given `--args '-A app worker'`). None for an option fixer does not know, or a function
    of another package (the repository's own may serve the app)."""
    at = 0
    while at < len(arguments) and arguments[at].startswith("-"):
        option, given = arguments[at].partition("=")[::2]
        if option in _WATCHFILES_VALUED:
            at += 1 if given else 2
        elif option in _WATCHFILES_FLAGS:
            at += 1
        else:
            return None
    if at >= len(arguments):
        return None
    target = arguments[at]
    if " " in target:
        return _script_program(target)
    package = target.split(".")[0]
    return package if "." in target and package in _NOT_FASTAPI else \
        None if "." in target else _program([target])


def _script_program(script: str) -> str | None:
    """The program a shell script keeps running: its last command, where none runs in the
    background beside it (`celery worker & exec uvicorn ...`)."""
    jobs = shell_jobs(script)
    if not jobs or any(background for _argv, background in jobs):
        return None
    return _program(jobs[-1][0])


def _python_program(arguments: list[str]) -> str | None:
    """What `python` runs: `-m X` runs X, `manage.py` Django's; any other script or option
    is one fixer does not read."""
    if arguments[:1] == ["-m"] and len(arguments) > 1:
        return arguments[1]
    return "manage.py" if arguments and posixpath.basename(arguments[0]) == "manage.py" \
        else None

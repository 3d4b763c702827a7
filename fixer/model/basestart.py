"""The server a base image starts by itself: tiangolo's uvicorn-gunicorn images.

`tiangolo/uvicorn-gunicorn-fastapi`, and `tiangolo/uvicorn-gunicorn` it is built on, run
their own `/start.sh` when the image built FROM them sets no command: it sources the
`/app/prestart.sh` the image holds (`PRE_START_PATH`), then runs gunicorn with uvicorn's
worker and the image's `/gunicorn_conf.py`, serving `APP_MODULE`, else
`MODULE_NAME:VARIABLE_NAME`: the module `app.main` where `/app/app/main.py` exists, else
`main` where `/app/main.py` does, and the variable `app`. That configuration binds `BIND`
when set, else `HOST` (0.0.0.0) and `PORT`, 80 by default. A configuration of the app's
own (`/app/gunicorn_conf.py`, `/app/app/gunicorn_conf.py`, or `GUNICORN_CONF`) replaces
it, and binds what that file says. The image also ships a sample `/app/main.py`: a build
that puts no module at either place serves that sample, not the repository's app.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fixer.core.tree import Tree
from fixer.model.image_paths import in_image, mount_path
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain, cmd_in_force, entrypoint
from fixer.sources.hubname import image_name

# the images whose own command starts the app with gunicorn, as the docstring says
_STARTS_ITSELF = frozenset({"tiangolo/uvicorn-gunicorn-fastapi", "tiangolo/uvicorn-gunicorn"})
BASE_PORT = 80
# the variables the start script and its configuration read for what they serve and bind
_SETTINGS = ("APP_MODULE", "MODULE_NAME", "VARIABLE_NAME", "GUNICORN_CONF", "PRE_START_PATH")


# the image's own scripts a compose `command:` may name instead: `/start.sh` (its default)
# and `/start-reload.sh`, which runs uvicorn with `--reload` on HOST and PORT (80)
START_SCRIPTS = ("/start.sh", "/start-reload.sh")


def start_words(target: str, script: str = "/start.sh") -> list[str]:
    """The command the start script ends in, serving `target`."""
    if script == "/start-reload.sh":
        return ["uvicorn", "--reload", target]
    return ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", target]


@dataclass(frozen=True)
class BaseStart:
    image: str                  # the base image's name
    origin: Instruction         # the FROM line that names it
    target: str | None          # what gunicorn serves (`app.main:app`); None when unknown
    reason: str                 # why what it serves or binds is unknown; "" when known
    prestart: str | None        # the repository file the image runs as its prestart script
    script: str = "/start.sh"   # the image's start script that runs (`START_SCRIPTS`)


def base_start(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
               running: Mapping[str, str], script: str = "/start.sh",
               mounts: Sequence[tuple[str, str]] = ()) -> BaseStart | None:
    """How the base image starts the app, where the stage's image sets no CMD or ENTRYPOINT
    of its own and its base is one of `_STARTS_ITSELF`; None otherwise. `running`: the
    container's environment (the image's ENV, compose's `environment`); `script`: the
    image's start script that runs (compose's `command: /start-reload.sh` names the other);
    `mounts`: the service's bind mounts, (repository path, container path) each: what one
    puts at a path is what the start script finds there (`.:/app` with the repository's
    `app/main.py` serves `app.main`), not what the image copied."""
    root = chain(dockerfile, stage)[-1]
    name = image_name(root.base.strip().lower())
    if name not in _STARTS_ITSELF or cmd_in_force(dockerfile, stage) is not None or \
            entrypoint(dockerfile, stage) is not None or not root.instructions:
        return None

    def held(path: str) -> bool:
        mounted = _under_mount(mounts, path)
        if mounted is not None:
            return tree.exists(mounted)
        return in_image(tree, folder, dockerfile, stage, path) is not None

    unread = next((var for var in _SETTINGS if "$" in running.get(var, "")), None)
    conf = None if script == "/start-reload.sh" else running.get("GUNICORN_CONF") or next(
        (path for path in ("/app/gunicorn_conf.py", "/app/app/gunicorn_conf.py") if held(path)),
        None)   # the reload script runs uvicorn, which reads no gunicorn configuration
    module = running.get("MODULE_NAME") or \
        ("app.main" if held("/app/app/main.py") else "main" if held("/app/main.py") else None)
    target = running.get("APP_MODULE") or \
        (f"{module}:{running.get('VARIABLE_NAME') or 'app'}" if module else None)
    reason = (f"{unread} of the container reads a variable, which fixer cannot resolve"
              if unread else
              f"the base image {name} starts gunicorn with `{conf}`, which sets the bind and "
              "which fixer does not read" if conf else
              f"the base image {name} serves its own sample app: the build puts no "
              "/app/app/main.py or /app/main.py" if target is None else "")
    prestart = in_image(tree, folder, dockerfile, stage,
                        running.get("PRE_START_PATH") or "/app/prestart.sh")
    return BaseStart(name, root.instructions[0], target, reason, prestart, script)


def _under_mount(mounts: Sequence[tuple[str, str]], path: str) -> str | None:
    """The repository path a bind mount puts at the container's `path` (`mount_path`); None
    where no mount covers it. Of mounts over one another, the deepest target wins, as
    Docker stacks them."""
    covering = [(len(target), found) for source, target in mounts
                if (found := mount_path(source, target, path)) is not None]
    return max(covering)[1] if covering else None

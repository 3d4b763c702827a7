"""Paths in a Dockerfile's Python installs: where a command puts the packages, whether a
`COPY --from` carries them along, and which repository file a `pip install -r` reads.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from fixer.core.dockerignore import context_files
from fixer.core.lazyre import lazy_compile
from fixer.facts.pydeps.requirements import PipArgs
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile, Stage, chain

_SYSTEM_BINS = {"/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"}
# Where installed Python packages live: a `COPY --from` of such a path copies packages.
PACKAGE_PATH = lazy_compile(r"site-packages|dist-packages|venv|/\.local(?:/|$)"
                            r"|^/usr/(?:local/)?lib/python|^/usr/local/?$|^/install(?:/|$)")


@dataclass
class BuildState:
    """What earlier instructions of a stage set: the working directory and ENV values."""

    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)

    def venv(self) -> str | None:
        """The active virtualenv: VIRTUAL_ENV, else a `<dir>/bin` put first on PATH."""
        if self.env.get("VIRTUAL_ENV"):
            return self.env["VIRTUAL_ENV"]
        return next(filter(None, map(venv_of, self.env.get("PATH", "").split(":"))), None)


def venv_of(folder: str) -> str | None:
    """The virtualenv whose `bin` this folder is (`/app/.venv/bin`); None for a system
    one or `~/.local/bin`."""
    folder = folder.rstrip("/")
    if folder.endswith("/bin") and folder not in _SYSTEM_BINS and ".local" not in folder:
        return posixpath.dirname(folder)
    return None


def active_venv(dockerfile: Dockerfile, stage: Stage) -> str | None:
    """The virtualenv the ENV of the stage (and of the stages it is built FROM) activates."""
    state = BuildState()
    for link in reversed(chain(dockerfile, stage)):
        for instruction in link.find("ENV"):
            value = instruction.value
            state.env.update((k, v.strip("\"'")) for k, v in zip(value[::2], value[1::2]))
    return state.venv()


def pip_location(argv: list[str], at: int, args: PipArgs, state: BuildState) -> str | None:
    """Where a pip command puts packages: its --prefix/--target/--root/--user, the
    virtualenv its pip or python belongs to or that is active, else the system."""
    if args.location:
        if "$" in args.location or args.location.startswith("~"):
            return args.location
        return posixpath.join(state.workdir, args.location)
    for word in argv[:at + 1]:
        if word.startswith("/") and posixpath.basename(posixpath.dirname(word)) == "bin":
            root = posixpath.dirname(posixpath.dirname(word))
            if root not in ("/usr", "/usr/local", "/"):
                return root
    if "--system" in argv:   # `uv pip install --system`
        return "/usr/local"
    return state.venv() or "/usr/local"


def tool_location(tool: str, state: BuildState) -> str | None:
    project_venv = posixpath.join(state.workdir, ".venv")
    if tool == "uv":
        return state.env.get("UV_PROJECT_ENVIRONMENT") or project_venv
    if tool == "pdm":
        return project_venv
    if state.env.get("POETRY_VIRTUALENVS_CREATE", "").lower() in ("false", "0"):
        return state.venv() or "/usr/local"
    if state.env.get("POETRY_VIRTUALENVS_IN_PROJECT", "").lower() in ("true", "1"):
        return project_venv
    return None   # poetry's own cache folder


def carried(location: str | None, paths: list[str]) -> bool:
    """Whether a `COPY --from` of `paths` takes along what was installed at `location`."""
    if location is None:
        return False
    for path in paths:
        path = path.rstrip("/") or "/"
        if "$" in path:
            continue
        if location == "~/.local":
            if re.search(r"/\.local(?:/|$)", path):
                return True
        elif path == "/" or location == path or location.startswith(path + "/") or \
                path.startswith(location + "/"):
            return True
    return False


def posix_join(folder: str, name: str) -> str:
    return posixpath.normpath(posixpath.join(folder, name)) if folder else posixpath.normpath(name)


def _lands_as(sources: list[str], dest: str, base: str) -> bool:
    """A COPY puts a file named `base` in place: as its destination, or a source of that
    name into a folder."""
    if len(sources) == 1 and not dest.endswith(("/", ".")) and posixpath.basename(dest) == base:
        return True
    return dest.endswith(("/", ".")) and any(posixpath.basename(s) == base for s in sources)


def repository_file(ws: Workspace, context: str, dockerfile: Dockerfile, arg: str) -> str | None:
    """The repository file a `pip install -r ARG` reads, found through the COPYs: what a
    COPY brings under that name comes first (`COPY svc/requirements.txt /code/` beside a
    `requirements.txt` at the context's root, which the image never holds), then ARG as a
    path in the context."""
    base = posixpath.basename(arg)
    named: list[str] = []     # a COPY of the file itself
    here: list[str] = []      # in a folder copied to the working directory (`COPY . .`)
    below: list[str] = []     # in a folder copied elsewhere (`COPY shared ./shared`)
    for stage in dockerfile.stages:
        for instruction in stage.find("COPY") + stage.find("ADD"):
            *sources, dest = instruction.value
            if any(f.startswith("--from") for f in instruction.flags):
                if _lands_as(sources, dest, base):   # made in another stage (`poetry
                    return None                       # export`): no file of the repository
                continue
            if len(sources) == 1 and not dest.endswith(("/", ".")) and \
                    posixpath.basename(dest) == base:
                named.append(sources[0])   # `COPY x/prod.txt /tmp/req.txt`
            for source in sources:
                if posixpath.basename(source.rstrip("/")) == base:
                    named.append(source)
                elif not posixpath.splitext(source)[1]:
                    (here if dest.rstrip("/") in (".", "") else below).append(
                        posixpath.join(source, base))
    candidates = [*named, *here, *([arg] if not arg.startswith("/") else []), *below, base]
    # what the ignore file drops is not in the context: no COPY brings it
    files = context_files(ws.tree, context, dockerfile.path)
    return next((files.path(c) for c in candidates if files.has_file(c)), None)

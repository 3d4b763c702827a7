"""Where a file the container sees comes from in the repository.

The stage's COPY/ADD instructions (through `--from` stages and the stages it is
built FROM) and WORKDIRs say which path of the build context lands at a path
in the image: `WORKDIR /app` + `COPY app ./app` puts <context>/app/main.py at
/app/app/main.py. What the ignore file drops from the context no COPY puts anywhere.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.dockerignore import ContextFiles, context_files
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import Tree
from fixer.core.tree_index import files_under
from fixer.model.services import BuiltService, Service, bind_mounts
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage
from fixer.sources.hubname import image_name
from fixer.sources.portsites import run_env


def locate(tree: Tree, service: BuiltService, cwd: str, relative: str) -> str | None:
    """The repository file that lands at cwd/relative in the container, through COPY/ADD.
    A stage that copies nothing from the context gets its code from a compose bind mount:
    the service's own where one covers the path (`./src/app:/code/app`), else the context
    itself is taken to be mounted there; a file the image does not hold may come from a
    bind mount of the service (`.:/app`, where the image copies only its requirements)."""
    app = service.app
    container_path = posixpath.normpath(posixpath.join(cwd, relative))
    files = context_files(tree, app.folder, app.dockerfile.path)
    context_path = _to_context(files, app.dockerfile, app.stage, container_path, 0)
    if context_path is None and not copies_context(app.dockerfile, app.stage):
        mounted = _mounted(tree, service, container_path)
        if mounted is not None:   # `./src/app:/code/app`: what the mount puts there
            return mounted
        files = files.unfiltered()   # the context itself, mounted: the ignore file is moot
        context_path = posixpath.normpath(relative)
    if context_path is None:
        return _mounted(tree, service, container_path)
    return files.path(context_path) if files.has_file(context_path) else None


def folder_copied(tree: Tree, service: BuiltService, cwd: str, relative: str) -> bool:
    """A COPY or ADD puts a folder of the build context at cwd/relative: what the image has
    there is what that folder holds (a file it lacks, no such copy brings)."""
    app = service.app
    files = context_files(tree, app.folder, app.dockerfile.path)
    found = _to_context(files, app.dockerfile, app.stage,
                        posixpath.normpath(posixpath.join(cwd, relative)), 0)
    return found is not None and (found == "." or files.has_folder(found))


def folder_known(tree: Tree, service: BuiltService, path: str) -> bool:
    """The image has the folder `path` (absolute): a WORKDIR of the stage made it, or holds
    it, or a COPY or ADD put a folder of the build context there."""
    app = service.app
    made = _workdirs(app.dockerfile, app.stage) or [workdir(service)]
    return any(w == path or w.startswith(path.rstrip("/") + "/") for w in made) or \
        folder_copied(tree, service, "/", path)


def mounted_at(tree: Tree, service: Service, dockerfile: Dockerfile, stage: Stage,
               path: str) -> str | None:
    """The repository file a bind mount of the service puts at `path` (absolute, or from
    the container's working directory: compose `working_dir`, else the final WORKDIR)."""
    cwd = service.scalar("working_dir") or _final_workdir(dockerfile, stage)
    return _mounted(tree, service, posixpath.normpath(posixpath.join(cwd, path)))


def _mounted(tree: Tree, service: Service, container_path: str) -> str | None:
    """The repository file a bind mount of the service puts at `container_path`."""
    for source, target in bind_mounts(service):
        path = mount_path(source, target, container_path)
        if path and tree.exists(path):
            return path
    return None


def mount_path(source: str, target: str, container_path: str) -> str | None:
    """The repository path the bind mount of `source` at `target` puts at `container_path`
    ("" for the repository's root); None where the mount does not cover that path (or its
    target is no absolute path)."""
    target = posixpath.normpath(target) if target else ""
    if not target.startswith("/"):
        return None
    rest = "" if container_path == target else \
        container_path[len(target):].lstrip("/") if container_path.startswith(
            target.rstrip("/") + "/") else None
    if rest is None:
        return None
    root = "" if source == "." else source
    return posixpath.normpath(posixpath.join(root, rest)) if rest else root


def copies_context(dockerfile: Dockerfile, stage: Stage) -> bool:
    """A COPY or ADD of the stage, or of a stage it is built FROM, takes the build context."""
    for current in _lineage(dockerfile, stage):
        for ins in current.instructions:
            if ins.cmd in ("COPY", "ADD") and ins.flag("--from") is None:
                return True
    return False


def may_hold(dockerfile: Dockerfile, stage: Stage, relative: str) -> bool:
    """Whether a COPY or ADD of the build context may put the file at `relative` (a path
    in the context) somewhere in the image: a source that is the file, a folder above it
    or the whole context, or one fixer cannot read (a glob, a variable). A stage that
    copies nothing from the context may get it from a bind mount: it may hold it too."""
    return not copies_context(dockerfile, stage) or _may_copy(dockerfile, stage, relative, 0)


def _may_copy(dockerfile: Dockerfile, stage: Stage, relative: str, depth: int) -> bool:
    """Whether the stage's lineage copies the file from the context, or copies from a stage
    that does (`COPY --from=builder /install /usr/local` after `COPY app ./app` and
    `pip install .` there: the package is installed where fixer does not follow)."""
    for current in _lineage(dockerfile, stage):
        for ins in current.instructions:
            if ins.cmd not in ("COPY", "ADD"):
                continue
            origin = ins.flag("--from")
            if origin is not None:
                built = dockerfile.stage_from(origin)
                if built is not None and depth < 5 and \
                        _may_copy(dockerfile, built, relative, depth + 1):
                    return True
                continue
            for source in ins.value[:-1]:
                plain = context_path(source)
                if plain == "." or any(c in source for c in "*?[$") or plain == relative \
                        or relative.startswith(plain + "/"):
                    return True
    return False


def _lineage(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the stages it is built FROM, nearest first."""
    chain = [stage]
    while len(chain) < 10:
        base = next((s for s in dockerfile.stages[:chain[-1].index]
                     if s.name and s.name.lower() == chain[-1].base.lower()), None)
        if base is None:
            break
        chain.append(base)
    return chain


def _to_context(files: ContextFiles, dockerfile: Dockerfile, stage: Stage, target: str,
                depth: int) -> str | None:
    """The build-context path that COPY/ADD put at `target` in the stage, last copy winning."""
    if depth > 5:
        return None
    for current in _lineage(dockerfile, stage):
        for copy in _copies(dockerfile, current):
            found = _through(files, dockerfile, copy, target, depth)
            if found is not None:
                return found
    return None


class _Copy(NamedTuple):
    """A COPY or ADD of a stage, its paths normalized once per Dockerfile text."""

    sources: tuple[str, ...]   # last first; relative to the context unless `origin` is set
    dest: str                  # where they land in the image
    into_folder: bool          # `dest` is a folder the sources land inside
    origin: str | None         # the `--from` stage or image


# per Dockerfile (kept with its file): stage index -> its copies, last first. `locate` walks
# them for every module on every service's import path.
_COPIES: Memo[dict[int, list[_Copy]]] = Memo("copies of a stage")


def _copies(dockerfile: Dockerfile, stage: Stage) -> list[_Copy]:
    """The stage's COPY and ADD instructions that name a source, last first. The value is
    shared: callers read it, never change it."""
    return dockerfile.file.derived.keyed(_COPIES, stage.index,
                                         lambda: _stage_copies(dockerfile, stage))


def context_path(source: str) -> str:
    """A COPY source as the path in the build context it names: BuildKit reads it from the
    context's root, absolute or not, and a `..` above the root stays at the root (`COPY
    ../ ./` copies the whole context)."""
    return posixpath.normpath("/" + source).lstrip("/") or "."


def _stage_copies(dockerfile: Dockerfile, stage: Stage) -> list[_Copy]:
    out: list[_Copy] = []
    dirs = _workdirs(dockerfile, stage)
    expanded = _expanded_paths(stage)
    for ins, cwd in zip(reversed(stage.instructions), reversed(dirs)):
        if ins.cmd not in ("COPY", "ADD") or len(ins.value) < 2:
            continue
        *sources, dest = expanded[id(ins)]
        dest_path = posixpath.normpath(posixpath.join(cwd, dest))
        # a file copied to `.` (or to the WORKDIR by name) lands inside it: it is a folder
        # (the working directories are normalized already)
        into_folder = dest.endswith("/") or len(sources) > 1 or dest_path == cwd
        origin = ins.flag("--from")
        if origin is None:
            sources = [context_path(source) for source in sources]
        out.append(_Copy(tuple(reversed(sources)), dest_path, into_folder, origin))
    return out


def _through(files: ContextFiles, dockerfile: Dockerfile, copy: _Copy, target: str,
             depth: int) -> str | None:
    for source in copy.sources:
        if copy.origin is not None:
            stage = dockerfile.stage_from(copy.origin)
            rest = _below(target, copy.dest)
            if stage is None or rest is None:
                continue
            return _to_context(files, dockerfile, stage,
                               posixpath.normpath(posixpath.join(source, rest)), depth + 1)
        found = _copied(files, source, copy.dest, copy.into_folder, target)
        if found is not None:
            return found
    return None


_WILDCARD = lazy_compile(r"[*?[]")


def _copied(files: ContextFiles, source: str, dest: str, into_folder: bool,
            target: str) -> str | None:
    """The context path this source of a COPY puts at `target`. A file or folder the ignore
    file drops is not in the context: to the COPY it does not exist."""
    if _WILDCARD.search(source):
        if not into_folder and target == dest:   # the one file it matches lands at `dest`
            return _only_match(files, source)
        folder, name = posixpath.split(target)
        if folder == dest and fnmatch.fnmatchcase(name, posixpath.basename(source)):
            return posixpath.join(posixpath.dirname(source), name)
        return None
    if source != "." and files.has_file(source):  # a file
        landing = posixpath.join(dest, posixpath.basename(source)) if into_folder else dest
        return source if landing == target else None
    rest = _below(target, dest)
    if rest is None or not files.has_folder(source):
        return None
    found = posixpath.normpath(posixpath.join(source, rest))
    # a folder's copy adds what it holds: a path it lacks comes from an earlier copy
    # (`COPY pyproject.toml ./` before `COPY src/ ./`)
    return found if rest == "." or files.has_file(found) or files.has_folder(found) else None


def _only_match(files: ContextFiles, source: str) -> str | None:
    """The one context file a wildcard in a source's name matches (`COPY start.sh*
    /start.sh` copies it to that path, as a file); None where it matches none, several, or
    a folder (whose files the COPY puts inside `dest`), or the wildcard is in a folder."""
    folder, pattern = posixpath.split(source)
    if _WILDCARD.search(folder):
        return None
    full = files.path(folder or ".")
    matched = [(name, is_folder) for name, is_folder in
               _entries(files.tree, "" if full == "." else full).items()
               if fnmatch.fnmatchcase(name, pattern) and
               not files.dropped(posixpath.join(folder, name))]
    if len(matched) != 1 or matched[0][1]:
        return None
    return posixpath.join(folder, matched[0][0])


def _entries(tree: Tree, folder: str) -> dict[str, bool]:
    """The names directly inside a folder of the tree, each with whether it is a folder."""
    start = len(folder) + 1 if folder else 0
    entries: dict[str, bool] = {}
    for path in files_under(tree, folder):
        name, below, _rest = path[start:].partition("/")
        entries[name] = bool(below)
    return entries


def _below(path: str, folder: str) -> str | None:
    if path == folder:
        return "."
    prefix = folder.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else None


# per Dockerfile (kept with its file): stage index -> the working directory of each of its
# instructions; `locate` asks for every module on every service's import path
_WORKDIRS: Memo[dict[int, list[str]]] = Memo("working directories of instructions")


def _workdirs(dockerfile: Dockerfile, stage: Stage) -> list[str]:
    """The working directory each instruction of a stage runs in, in instruction order.
    The value is shared: callers read it, never change it."""
    return dockerfile.file.derived.keyed(_WORKDIRS, stage.index,
                                         lambda: _stage_workdirs(dockerfile, stage))


def run_workdir(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> str:
    """The working directory an instruction of the stage runs in."""
    return _workdirs(dockerfile, stage)[stage.instructions.index(instruction)]


def _stage_workdirs(dockerfile: Dockerfile, stage: Stage) -> list[str]:
    cwd = _start_workdir(dockerfile, stage)
    scope = _Scope()
    out: list[str] = []
    for ins in stage.instructions:
        scope.read(ins)
        if ins.cmd == "WORKDIR" and ins.value:
            # BuildKit takes the quotes off (`WORKDIR "$APP_HOME"`) as it expands the value
            cwd = posixpath.normpath(posixpath.join(cwd, scope.expand(_unquoted(ins.value[0]))))
        out.append(cwd)
    return out


def _expanded_paths(stage: Stage) -> dict[int, list[str]]:
    """Each COPY/ADD of the stage (by id) -> its sources and destination, variables
    expanded as `_Scope` knows them (`COPY ./$APP_DIR/ ${WORKDIR}/$APP_DIR/`)."""
    scope = _Scope()
    found: dict[int, list[str]] = {}
    for ins in stage.instructions:
        scope.read(ins)
        if ins.cmd in ("COPY", "ADD") and ins.value:
            found[id(ins)] = [scope.expand(word) for word in ins.value]
    return found


class _Scope:
    """The variables a stage's paths may read: its ENVs, and its ARGs' defaults (an ENV of
    one name wins, as in Docker). A default compose's `build.args` replaces is not known
    here; a WORKDIR and the COPYs into it read one variable, so where files land relative
    to each other holds."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.from_env: set[str] = set()

    def read(self, ins: Instruction) -> None:
        if ins.cmd == "ENV":
            for name, value in zip(ins.value[0::2], ins.value[1::2]):
                self.values[name] = self.expand(_unquoted(value))
                self.from_env.add(name)
        elif ins.cmd == "ARG":
            for name, sep, value in (a.partition("=") for a in ins.value):
                if sep and name not in self.from_env:
                    self.values[name] = self.expand(_unquoted(value))

    def expand(self, value: str) -> str:
        return _expand(value, self.values)


def _unquoted(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" \
        else value


def _final_workdir(dockerfile: Dockerfile, stage: Stage) -> str:
    dirs = _workdirs(dockerfile, stage)
    return dirs[-1] if stage.instructions else _start_workdir(dockerfile, stage)


def _start_workdir(dockerfile: Dockerfile, stage: Stage) -> str:
    """The working directory a stage starts in: its parent stage's last, else the one its
    base image sets (`/app` of `tiangolo/uvicorn-gunicorn-fastapi`), else `/`."""
    lineage = _lineage(dockerfile, stage)
    if len(lineage) > 1:
        return _final_workdir(dockerfile, lineage[1])
    return _BASE_WORKDIRS.get(image_name(lineage[-1].base), "/")


# the base images fixer knows to set a WORKDIR of their own, which a stage FROM them
# starts in (`uvicorn main:app` of a stage with none runs there)
_BASE_WORKDIRS = {"tiangolo/uvicorn-gunicorn-fastapi": "/app",
                  "tiangolo/uvicorn-gunicorn": "/app",
                  "tiangolo/uvicorn-gunicorn-starlette": "/app",
                  "pytorch/pytorch": "/workspace",
                  # AWS Lambda's images: the task root, LAMBDA_TASK_ROOT
                  "amazon/aws-lambda-python": "/var/task",
                  "public.ecr.aws/lambda/python": "/var/task"}


def unknown_base_workdir(dockerfile: Dockerfile, stage: Stage) -> str | None:
    """The base image whose working directory the stage runs in, where no WORKDIR of the
    stage (or of those it is built FROM) sets one and fixer does not know that image's
    (`/` is then a guess); None where it is known."""
    lineage = _lineage(dockerfile, stage)
    if any(s.find("WORKDIR") for s in lineage):
        return None
    base = lineage[-1].base
    known = image_name(base) in _BASE_WORKDIRS or base.lower() == "scratch"
    return None if known else base


def _expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), m.group(0)), value)


def in_image(tree: Tree, context: str, dockerfile: Dockerfile, stage: Stage,
             path: str) -> str | None:
    """The repository file the stage's COPY/ADD put at `path` (absolute, or relative to the
    final WORKDIR): `COPY ./src /app` puts <context>/src/main.py at /app/main.py. A bare
    name found nowhere there is looked up as a program is, in the folders of PATH
    (`ENTRYPOINT ["entrypoint.sh"]` after `COPY entrypoint.sh /usr/local/bin/`)."""
    files = context_files(tree, context, dockerfile.path)
    folders = [_final_workdir(dockerfile, stage)]
    if path and "/" not in path:
        folders += _path_folders(dockerfile, stage)
    for folder in folders:
        found = _to_context(files, dockerfile, stage,
                            posixpath.normpath(posixpath.join(folder, path)), 0)
        if found is not None and files.has_file(found):
            return files.path(found)
    return None


# the PATH of the images fixer meets (Debian's and the python images'), in its order
_DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def _path_folders(dockerfile: Dockerfile, stage: Stage) -> list[str]:
    """The folders a program is looked up in: those an `ENV PATH=` of the stage writes out
    (`/opt/venv/bin:$PATH`), then the images' usual ones."""
    value = run_env(dockerfile, stage).values.get("PATH", "")
    written = [f for f in value.split(":") if f.startswith("/")]
    return [*written, *(f for f in _DEFAULT_PATH if f not in written)]


# what an exec-form ENTRYPOINT runs in front of its script: an init, a shell, `--`
ENTRYPOINT_WRAPPERS = frozenset({"sh", "bash", "tini", "tini-static", "dumb-init", "--"})


def entrypoint_program(entry: Instruction) -> str | None:
    """The program an exec-form ENTRYPOINT runs past its init and shell (`/entrypoint.sh`
    of `["tini", "--", "/entrypoint.sh"]`); None for a shell form or one of wrappers only."""
    if not entry.json:
        return None
    return next((w for w in entry.value if not w.startswith("-")
                 and posixpath.basename(w) not in ENTRYPOINT_WRAPPERS), None)


def folder_in_image(tree: Tree, service: BuiltService, path: str) -> bool:
    """Whether the stage's COPY/ADD put a folder of the repository at `path` (absolute, or
    relative to the container's working directory), as `in_image` finds a file."""
    app = service.app
    target = posixpath.normpath(posixpath.join(workdir(service), path))
    files = context_files(tree, app.folder, app.dockerfile.path)
    found = _to_context(files, app.dockerfile, app.stage, target, 0)
    return found is not None and files.has_folder(found)


def dropped_at(tree: Tree, service: BuiltService, path: str) -> str | None:
    """The repository file or folder that a COPY would put at `path` (absolute) in the
    image were it not for the ignore file, which drops it: None when the image holds
    what is there, or no COPY would put anything there."""
    app = service.app
    files = context_files(tree, app.folder, app.dockerfile.path)
    if files.ignore is None:
        return None
    whole = files.unfiltered()
    found = _to_context(whole, app.dockerfile, app.stage, path, 0)
    if found is None or _to_context(files, app.dockerfile, app.stage, path, 0) is not None:
        return None
    return files.path(found) if whole.has_file(found) or whole.has_folder(found) else None


def context_sources(service: BuiltService) -> list[str]:
    """The context paths that the COPY and ADD instructions of the final stage and the
    stages it is built FROM name (not `--from`), normalized as the builder reads them."""
    app = service.app
    return [source for stage in _lineage(app.dockerfile, app.stage)
            for copy in _copies(app.dockerfile, stage) if copy.origin is None
            for source in copy.sources]


def copies_read_whole(service: BuiltService) -> bool:
    """Every COPY and ADD of the stages the service's image is built through takes named
    paths of the build context: none from another stage or image (`--from`), none through a
    glob or a variable. Then a file no copy takes is surely not in the image, as far as the
    copies go."""
    app = service.app
    return all(copy.origin is None and not any(_WILDCARD.search(s) or "$" in s
                                               for s in copy.sources)
               for stage in _lineage(app.dockerfile, app.stage)
               for copy in _copies(app.dockerfile, stage))


def image_path_of(tree: Tree, service: BuiltService, path: str) -> str | None:
    """Where a COPY of the build context puts the repository file `path` in the image (the
    last copy of it, as `in_image` reads them), or None when no copy fixer reads does."""
    app = service.app
    prefix = app.folder.rstrip("/") + "/" if app.folder else ""
    if not path.startswith(prefix):
        return None
    in_context = path[len(prefix):]
    for current in _lineage(app.dockerfile, app.stage):
        for copy in _copies(app.dockerfile, current):
            landing = None if copy.origin is not None else \
                next((found for source in copy.sources
                      if (found := _landing(copy, source, in_context)) is not None), None)
            if landing is not None:   # the copy that wins must map back to the file
                back = in_image(tree, app.folder, app.dockerfile, app.stage, landing)
                return landing if back == posixpath.normpath(path) else None
    return None


def _landing(copy: _Copy, source: str, in_context: str) -> str | None:
    """Where `copy` puts the context file `in_context` through `source`, if it does."""
    if _WILDCARD.search(source) or "$" in source:
        return None
    if source == in_context:   # the file itself
        return posixpath.join(copy.dest, posixpath.basename(source)) if copy.into_folder \
            else copy.dest
    rest = in_context if source == "." else _below(in_context, source)
    return posixpath.normpath(posixpath.join(copy.dest, rest)) if rest is not None else None


def workdir(service: BuiltService) -> str:
    """The container's working directory: compose `working_dir`, else the final WORKDIR."""
    override = service.scalar("working_dir")
    if override:
        return posixpath.normpath(override)
    return _final_workdir(service.app.dockerfile, service.app.stage)


def bind_mounted(tree: Tree, service: BuiltService, path: str) -> bool:
    """A bind mount of the service puts the repository file at `path` where the image has
    it (`./api/app:/app/app` over `COPY app ./app` in /app, for api/app/main.py): the
    container runs the checkout's file, whatever image it runs."""
    inside = image_path_of(tree, service, path)
    if inside is None:
        return False
    for source, target in bind_mounts(service):
        rest = posixpath.relpath(path, source) if source != "." else path
        if not rest.startswith("..") and \
                posixpath.normpath(posixpath.join(target, rest)) == inside:
            return True
    return False

"""The app module of an app service (RULES.md, "App module") and its import root.

The command names `module:attr` relative to the container's working directory
(the final WORKDIR, compose `working_dir`, `cd` in a `sh -c`, `--app-dir`).
The stage's COPY/ADD instructions say which folder of the build context lands
there, so `WORKDIR /app` + `COPY app ./app` puts `app.main` at
<service folder>/app/main.py. Without a usable command the module is guessed:
app/main.py, main.py, src/main.py.
"""

from __future__ import annotations

import bisect
import fnmatch
import posixpath
import re
import shlex
import weakref
from dataclasses import dataclass

from fixer.commands import SHELLS, Launch, split_shell
from fixer.services import Service
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage
from fixer.tree import Tree
from fixer.workspace import Workspace

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

    @property
    def package(self) -> str:
        """The module's `__package__`: "" when it runs at the top level."""
        if self.script:
            return ""
        if self.path.endswith("__init__.py"):
            return self.module
        return self.module.rpartition(".")[0]


@dataclass
class _TreeIndex:
    """Per tree, built once: files by folder, every folder, and the modules found so far."""

    files: dict[str, list[str]]
    folders: set[str]
    ordered: list[str]
    found: dict[tuple[str, str], AppModule | None]


_INDEX: weakref.WeakKeyDictionary[Tree, _TreeIndex] = weakref.WeakKeyDictionary()


def _index(tree: Tree) -> _TreeIndex:
    index = _INDEX.get(tree)
    if index is None:
        files: dict[str, list[str]] = {}
        folders: set[str] = {""}
        for path in sorted(tree.paths()):
            folder = posixpath.dirname(path)
            files.setdefault(folder, []).append(path)
            while folder not in folders:
                folders.add(folder)
                folder = posixpath.dirname(folder)
        index = _INDEX[tree] = _TreeIndex(files, folders, sorted(tree.paths()), {})
    return index


def files_in(tree: Tree, folder: str) -> list[str]:
    """The files directly inside a folder."""
    return _index(tree).files.get(folder, [])


def files_under(tree: Tree, folder: str) -> list[str]:
    """Every file below a folder, at any depth, in path order."""
    ordered = _index(tree).ordered
    if not folder:
        return ordered
    prefix = folder + "/"
    start = bisect.bisect_left(ordered, prefix)
    end = bisect.bisect_left(ordered, folder + "0")  # "0" sorts right after "/"
    return ordered[start:end]


def is_folder(tree: Tree, folder: str) -> bool:
    return folder in ("", ".") or folder in _index(tree).folders


def find(ws: Workspace, service: Service) -> AppModule | None:
    """The service's app module, from its command when it names one, else guessed."""
    found = _index(ws.tree).found
    key = (service.stack.name, service.name)
    if key not in found:
        found[key] = _find(ws, service)
    return found[key]


def _find(ws: Workspace, service: Service) -> AppModule | None:
    app = service.app
    if app is None:
        return None
    launch = app.listen.launch
    if launch is not None:
        found = _from_launch(ws, service, launch)
        if found is not None:
            return found
    return _guess(ws.tree, app.folder)


def _guess(tree: Tree, context: str) -> AppModule | None:
    for candidate in FALLBACKS:
        path = posixpath.join(context, candidate) if context else candidate
        if tree.exists(path):
            module = candidate[:-3].replace("/", ".")
            return AppModule(path, context, module, None, False, False, False)
    return None


def _from_launch(ws: Workspace, service: Service, launch: Launch) -> AppModule | None:
    assert service.app is not None
    words, cds = _words(service, launch)
    cwd = _workdir(service)
    for folder in cds:
        cwd = posixpath.normpath(posixpath.join(cwd, folder))
    for option in ("--app-dir", "--chdir"):
        value = _option(words, option)
        if value:
            cwd = posixpath.normpath(posixpath.join(cwd, value))
    target = launch.target
    if not target:
        return None
    if launch.runs_script and not target.startswith("-m "):
        return _script(ws, service, cwd, target)
    if launch.server == "fastapi" and target.endswith(".py"):
        return _fastapi_file(ws, service, cwd, target)
    module, _, attr = target.removeprefix("-m ").partition(":")
    factory = "--factory" in words or attr.endswith(")")
    attr_name = attr.split("(")[0] or None
    for relative in (module.replace(".", "/") + ".py", module.replace(".", "/") + "/__init__.py"):
        path = _locate(ws, service, cwd, relative)
        if path is not None:
            root = _up(path, module.count(".") + (2 if relative.endswith("__init__.py") else 1))
            return AppModule(path, root, module, attr_name, factory, False, True)
    return None


def _script(ws: Workspace, service: Service, cwd: str, target: str) -> AppModule | None:
    path = _locate(ws, service, cwd, target)
    if path is None:
        return None
    name = posixpath.basename(path)[:-3]
    return AppModule(path, posixpath.dirname(path), name, None, False, True, True)


def _fastapi_file(ws: Workspace, service: Service, cwd: str, target: str) -> AppModule | None:
    """`fastapi run app/main.py` imports the file as a package module when its folders have
    `__init__.py` files, else as a top-level module from its own folder."""
    path = _locate(ws, service, cwd, target)
    if path is None:
        return None
    parts = [posixpath.basename(path)[:-3]]
    folder = posixpath.dirname(path)
    while folder and ws.tree.exists(posixpath.join(folder, "__init__.py")):
        parts.insert(0, posixpath.basename(folder))
        folder = posixpath.dirname(folder)
    return AppModule(path, folder, ".".join(parts), None, False, False, True)


def _up(path: str, levels: int) -> str:
    for _ in range(levels):
        path = posixpath.dirname(path)
    return path


def _locate(ws: Workspace, service: Service, cwd: str, relative: str) -> str | None:
    """The repository file that lands at cwd/relative in the container, through COPY/ADD.
    A stage that copies nothing from the context (a compose bind mount) runs in the
    context itself."""
    assert service.app is not None
    app = service.app
    container_path = posixpath.normpath(posixpath.join(cwd, relative))
    context_path = _to_context(ws.tree, app.folder, app.dockerfile, app.stage, container_path, 0)
    if context_path is None and not _copies_context(app.dockerfile, app.stage):
        context_path = posixpath.normpath(relative)
    if context_path is None:
        return None
    path = posixpath.normpath(posixpath.join(app.folder, context_path)) if app.folder \
        else posixpath.normpath(context_path)
    return path if ws.tree.exists(path) else None


def _copies_context(dockerfile: Dockerfile, stage: Stage) -> bool:
    for current in _lineage(dockerfile, stage):
        for ins in current.instructions:
            if ins.cmd in ("COPY", "ADD") and _flag(ins, "--from") is None:
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


def _to_context(tree: Tree, context: str, dockerfile: Dockerfile, stage: Stage,
                target: str, depth: int) -> str | None:
    """The build-context path that COPY/ADD put at `target` in the stage, last copy winning."""
    if depth > 5:
        return None
    for current in _lineage(dockerfile, stage):
        dirs = _workdirs(dockerfile, current)
        for ins in reversed(current.instructions):
            if ins.cmd not in ("COPY", "ADD") or len(ins.value) < 2:
                continue
            found = _through(tree, context, dockerfile, ins, dirs[id(ins)], target, depth)
            if found is not None:
                return found
    return None


def _through(tree: Tree, context: str, dockerfile: Dockerfile, ins: Instruction, cwd: str,
             target: str, depth: int) -> str | None:
    *sources, dest = ins.value
    dest_path = posixpath.normpath(posixpath.join(cwd, dest))
    into_folder = dest.endswith("/") or len(sources) > 1
    origin = _flag(ins, "--from")
    for source in reversed(sources):
        source = posixpath.normpath(source.lstrip("/")) if origin is None else source
        if origin is not None:
            stage = next((s for s in dockerfile.stages if s.name and s.name.lower()
                          == origin.lower()), None)
            rest = _below(target, dest_path)
            if stage is None or rest is None:
                continue
            return _to_context(tree, context, dockerfile, stage,
                               posixpath.normpath(posixpath.join(source, rest)), depth + 1)
        found = _copied(tree, context, source, dest_path, into_folder, target)
        if found is not None:
            return found
    return None


def _copied(tree: Tree, context: str, source: str, dest: str, into_folder: bool,
            target: str) -> str | None:
    full = posixpath.normpath(posixpath.join(context, source)) if context else source
    if any(c in source for c in "*?["):
        folder, name = posixpath.split(target)
        if folder == dest and fnmatch.fnmatchcase(name, posixpath.basename(source)):
            return posixpath.join(posixpath.dirname(source), name)
        return None
    if source != "." and tree.exists(full):  # a file
        landing = posixpath.join(dest, posixpath.basename(source)) if into_folder else dest
        return source if landing == target else None
    rest = _below(target, dest)
    if rest is None or not is_folder(tree, "" if full == "." else full):
        return None
    return posixpath.normpath(posixpath.join(source, rest))


def _below(path: str, folder: str) -> str | None:
    if path == folder:
        return "."
    prefix = folder.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else None


def _workdirs(dockerfile: Dockerfile, stage: Stage) -> dict[int, str]:
    """The working directory each instruction of a stage runs in (keyed by id)."""
    lineage = _lineage(dockerfile, stage)
    cwd = _final_workdir(dockerfile, lineage[1]) if len(lineage) > 1 else "/"
    env: dict[str, str] = {}
    out: dict[int, str] = {}
    for ins in stage.instructions:
        if ins.cmd == "ENV":
            env.update(zip(ins.value[0::2], ins.value[1::2]))
        elif ins.cmd == "WORKDIR" and ins.value:
            cwd = posixpath.normpath(posixpath.join(cwd, _expand(ins.value[0], env)))
        out[id(ins)] = cwd
    return out


def _final_workdir(dockerfile: Dockerfile, stage: Stage) -> str:
    dirs = _workdirs(dockerfile, stage)
    return dirs[id(stage.instructions[-1])] if stage.instructions else "/"


def _expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), m.group(0)), value)


def _workdir(service: Service) -> str:
    assert service.app is not None
    override = service.scalar("working_dir")
    if override:
        return posixpath.normpath(override)
    return _final_workdir(service.app.dockerfile, service.app.stage)


def _flag(ins: Instruction, name: str) -> str | None:
    for flag in ins.flags:
        if flag.startswith(name + "="):
            return flag.split("=", 1)[1]
    return None


def _words(service: Service, launch: Launch) -> tuple[list[str], list[str]]:
    """The argv segment that starts the server, and the `cd` folders run before it."""
    assert service.app is not None
    region = service.app.listen.region
    argv: list[str] = []
    if region is not None and region.kind == "command":
        found = service.command()
        argv = found[2] if found else []
        if len(argv) == 1:
            argv = _split(argv[0])
    elif region is not None and region.instruction is not None:
        argv = list(region.instruction.value)
        if not region.instruction.json:
            argv = ["sh", "-c", " ".join(argv)]
    if len(argv) >= 3 and argv[0] in SHELLS and argv[1] in ("-c", "-ec", "-ce"):
        return _segment(split_shell(argv[2]), launch)
    return argv, []


def _segment(segments: list[list[str]], launch: Launch) -> tuple[list[str], list[str]]:
    cds: list[str] = []
    for segment in segments:
        if segment[0] == "cd" and len(segment) == 2:
            cds.append(segment[1])
        elif launch.target and any(launch.target in word for word in segment):
            return segment, cds
    return [], cds


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _option(words: list[str], name: str) -> str | None:
    for i, word in enumerate(words):
        if word == name and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None

"""Which Python packages a service's image holds, as far as its Dockerfile shows them.

Read along the final stage and the stages it is built FROM: packages a `pip install`
names, the requirements files it installs (`-r`, the operands of `uv pip sync` and
`pip-sync`, found through COPY, followed through `-r` includes), the project
`pip install .`, `uv sync`, `poetry install` or `pdm install` builds (its pyproject.toml,
with the extras and dependency groups the command installs: `installed_parts`),
distribution packages (`apt-get install python3-x`), and what an earlier stage installs
when the image copies it over (`COPY --from=builder /install /usr/local`). The build
context's requirements.txt and pyproject.toml count too. Beside the names: what the
requirements are known to bring (`brought`), from their extras and versions, and from
the releases the lock file of `poetry install`, `uv sync` or `pdm install` pins.

What installs packages no name can be read from (a wheel, a path, a wildcard, a
variable, a setup.py project, a Pipfile, a base image other than a plain Python or OS
image, packages copied from another image) makes the result `unknown`: the image may
hold anything, and a rule judges nothing then.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from fixer.core.derived import Memo, untrack
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.image.images import meta_args, resolve_image, uv_derived
from fixer.facts.image.installs import installs
from fixer.facts.pydeps.install_paths import (
    PACKAGE_PATH,
    BuildState,
    carried,
    pip_location,
    posix_join,
    repository_file,
    tool_location,
)
from fixer.facts.pydeps.brought import brought_by, knows_dependencies, may_bring
from fixer.facts.pydeps.installed_parts import InstalledParts, installed_parts
from fixer.facts.pydeps.locked_parts import locked_releases
from fixer.facts.pydeps.pyproject_deps import (
    locked_folders,
    optional_requirements,
    path_dependency,
    static_dependencies,
    toml_error,
    workspace_includes,
)
from fixer.facts.pydeps.requirements import (
    PipArgs,
    include_path,
    normalize,
    parse_requirement,
    pip_args,
    pyproject_requirements,
    read_requirements_file,
    specifier_of,
)
from fixer.model.image_paths import in_image
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain
from fixer.sources.dockertext import program_at, run_commands
from fixer.sources.hubname import hub_name

# Bases that carry no Python packages beyond pip: the official Python images, OS images
# (and uv's images derived from them, `uv_derived`).
_PLAIN_BASES = lazy_compile(r"^(?:python|pypy|debian|ubuntu|alpine|buildpack-deps|scratch"
                            r"|gcr\.io/distroless/python3[\w-]*)$")
_PROJECT_TOOLS = {("uv", "sync"), ("poetry", "install"), ("poetry", "sync"),
                  ("pdm", "install"), ("pdm", "sync")}
_OPAQUE_TOOLS = {"pipenv", "conda", "mamba", "micromamba", "hatch"}
# `poetry add gunicorn`, `uv add gunicorn==22.0.0`: the project gets the package, and the
# environment the tool installs into has it; and the options of theirs that take a value
_ADDING_TOOLS = {("poetry", "add"), ("uv", "add"), ("pdm", "add")}
_ADD_VALUED = frozenset({"-G", "--group", "-E", "--extras", "--extra", "--source",
                         "--python", "-p", "--platform", "--markers", "--optional", "--index",
                         "--package", "--directory", "--project", "-r", "--requirements",
                         "--branch", "--tag", "--rev", "--constraints", "-c"})
_PIP = lazy_compile(r"^pip(?:\d+(?:\.\d+)?)?$")
_PIP_VERBS = ("install", "sync", "wheel", "download")
# a distribution package of a Python project: `python3-uvicorn`, `py3-fastapi`
_DISTRO_PYTHON = lazy_compile(r"^(?:python3?|py3)-(.+)$")
# distribution packages of parts of Python itself, no project: `python3-venv`, `python3-dev`
_PYTHON_PARTS = frozenset({"venv", "dev", "distutils", "full", "minimal", "tk", "lib2to3",
                           "gdbm", "dbg", "doc", "examples", "all"})


@dataclass
class Declared:
    names: dict[str, set[frozenset[str]]] = field(default_factory=dict)  # name -> extras seen
    requirement_files: list[str] = field(default_factory=list)   # preferred first
    pyproject: str | None = None
    pyproject_table: str | None = None                        # "pep621" | "poetry"
    unknown: str | None = None        # why the image may hold packages fixer cannot name
    blocked: dict[str, str] = field(default_factory=dict)     # file -> why adding there is unsound
    locations: dict[str, str | None] = field(default_factory=dict)  # file -> where it installs
    installs: bool = False            # some command installs Python packages
    brought: set[str] = field(default_factory=set)  # what the requirements are known to bring
    # what requirements may bring though fixer does not know that they do
    # (`fastapi==$FASTAPI_VERSION`)
    maybe: set[str] = field(default_factory=set)
    # requirements whose dependencies fixer does not know (`reflex`, `transformers[serving]`):
    # they may bring anything
    opaque: set[str] = field(default_factory=set)

    def add(self, name: str, extras: frozenset[str], specifier: str = "",
            closure: bool = False) -> None:
        """A requirement, with its PEP 440 version specifier when it has one; `closure`:
        of a file that lists every package the install takes (pip-compile's output), where
        what it brings is listed too."""
        key = normalize(name)
        self.names.setdefault(key, set()).add(extras)
        self.brought |= brought_by(key, extras, specifier)
        self.maybe |= may_bring(key, extras, specifier)
        if not closure and not knows_dependencies(key, extras, specifier):
            self.opaque.add(key)

    def locked(self, name: str, version: str) -> None:
        """The release a lock file pins for a package the image installs from it: the
        package itself (fastapi that gradio brings), and what that release brings."""
        key = normalize(name)
        self.brought |= {key} | brought_by(key, frozenset(), f"=={version}")

    def has(self, name: str, extra: str | None = None) -> bool:
        seen = self.names.get(normalize(name))
        if seen is None:
            return False
        return extra is None or any(extra in extras for extras in seen)

    def provides(self, name: str) -> bool:
        """Declared, or brought by a requirement known to bring it (`fastapi[standard]`
        brings uvicorn)."""
        return self.has(name) or normalize(name) in self.brought

    def may_provide(self, name: str) -> bool:
        """Provided, or maybe brought: by a requirement whose release fixer cannot read, or
        by any requirement whose dependencies fixer does not know (`reflex`, `ray[serve]`
        before Ray 2): no evidence it is not."""
        return self.provides(name) or normalize(name) in self.maybe or bool(self.opaque)

    def unreadable(self, why: str) -> None:
        if self.unknown is None:
            self.unknown = why

    def merge(self, other: Declared, carried: Callable[[str | None], bool], why: str) -> None:
        """Take in what a stage the image copies from installs; where the copy may not
        carry a file's installs, adding a line to that file is not sound."""
        for name, seen in other.names.items():
            self.names.setdefault(name, set()).update(seen)
        self.brought |= other.brought
        self.maybe |= other.maybe
        self.opaque |= other.opaque
        if other.unknown:
            self.unreadable(other.unknown)
        for path in other.requirement_files:
            if path not in self.requirement_files:
                self.requirement_files.append(path)
        for path, reason in other.blocked.items():
            self.blocked.setdefault(path, reason)
        for path, location in other.locations.items():
            if carried(location):   # the copy takes what the file installs into the image
                self.locations.setdefault(path, location)
            else:
                self.blocked.setdefault(path, why)
        if self.pyproject is None and other.pyproject:
            self.pyproject, self.pyproject_table = other.pyproject, other.pyproject_table


# what an image installs: S003 and I003 ask for each service, every fix round
_DECLARED: Memo[Declared] = Memo("declared packages")


def declared(ws: Workspace, context: str, dockerfile: Dockerfile, stage: Stage,
             args: Mapping[str, str | None] | None = None) -> Declared:
    """The packages the stage's image installs, from its Dockerfile and the files it
    installs from, built with compose's build `args` (which may pick its base image);
    carried across fix rounds while those files are unchanged. The value is shared: callers
    read it, never change it."""
    given = tuple(sorted((args or {}).items()))
    return ws.tree.carried.remember(_DECLARED, (context, dockerfile.path, stage.index, given),
                                    ws.tree,
                                    lambda: _declared(ws, context, dockerfile, stage, args or {}))


def installed_in_image(ws: Workspace, service: BuiltService, name: str) -> bool:
    """The image may hold a package of that name: it installs a project (`pip install .`,
    a pyproject.toml), what fixer cannot name, or a requirement named so, or named with it
    as a word of its own at either end (`openai-whisper` installs `whisper`,
    `python-multipart` `multipart`)."""
    app = service.app
    found = declared(ws, app.folder, app.dockerfile, app.stage, app.args)
    key = normalize(name)
    return found.unknown is not None or found.pyproject is not None or found.has(name) or \
        any(named.endswith("-" + key) or named.startswith(key + "-") for named in found.names)


def _declared(ws: Workspace, context: str, dockerfile: Dockerfile, stage: Stage,
              args: Mapping[str, str | None]) -> Declared:
    if ws.read(dockerfile.path) is not dockerfile.file:   # noted: the value rests on it
        untrack()   # a Dockerfile from elsewhere: nothing to check it against next round
    reader = _Reader(ws, context, dockerfile, args)
    out = reader.stage(stage)
    for path in reader.no_index:
        if path not in reader.wheels:
            out.blocked.setdefault(path, f"the image installs {path} with --no-index from "
                                         "local wheels, which would also need the new one")
    default = posix_join(context, "requirements.txt")
    if default not in out.requirement_files and ws.tree.exists(default):
        out.requirement_files.append(default)
        reader.read_requirements(default, out, set())
    pyproject = posix_join(context, "pyproject.toml")
    file = ws.read(pyproject)
    if file is not None and out.pyproject is None:
        found, table = pyproject_requirements(file.text)
        for requirement in found:
            out.add(*requirement)
        out.pyproject, out.pyproject_table = pyproject, table
    _block_locked(ws, out)
    return out


# The lock files of the tools that install a pyproject.toml's dependencies from a lock:
# a line added to the project without a new lock fails `poetry install` ("pyproject.toml
# changed significantly since poetry.lock was last generated") and `uv sync --locked`.
_LOCKS = {"poetry.lock": "poetry add", "uv.lock": "uv add", "pdm.lock": "pdm add"}


def _block_locked(ws: Workspace, out: Declared) -> None:
    """A pyproject.toml with a lock file beside it, or above it in a workspace it is a
    member of, takes no line from fixer: adding one is the tool's job, which writes the
    lock too."""
    if out.pyproject is None:
        return
    folder = posixpath.dirname(out.pyproject)
    for lock, command in _LOCKS.items():
        if ws.tree.exists(posix_join(folder, lock)):
            out.blocked.setdefault(out.pyproject, f"{posix_join(folder, lock)} pins what the "
                                   f"image installs: add the package with `{command}`, which "
                                   "updates the lock too")
            return
    above = _workspace_lock(ws, folder)
    if above is not None:
        out.blocked.setdefault(out.pyproject, f"{above[0]} locks the workspace that "
                               f"{folder or '.'} is a member of: add the package with "
                               f"`{above[1]}` there, which updates the lock too")


def _workspace_lock(ws: Workspace, member: str) -> tuple[str, str] | None:
    """The nearest lock file in a folder above `member` that locks it as a member of its
    workspace (uv's `[tool.uv.workspace]` includes it, or the lock installs the member's
    folder as a local project), and the command that adds a package there."""
    parent = member
    while parent:
        parent = posixpath.dirname(parent)
        relative = posixpath.relpath(member, parent or ".")
        for lock, command in _LOCKS.items():
            file = ws.read(posix_join(parent, lock))
            if file is None:
                continue
            root = ws.read(posix_join(parent, "pyproject.toml")) if lock == "uv.lock" else None
            if relative in locked_folders(file) or (
                    root is not None and workspace_includes(root.text, relative)):
                return file.path, command
    return None


def _compiled_reason(path: str, tool: str, sources: list[str]) -> str:
    """Why a compiled requirements file takes no line: the next compile drops it."""
    if tool == "`uv export`":
        return (f"{path} is written by `uv export` from the project's uv.lock, which writes it "
                "again without the line: add the package with `uv add`, then export again")
    folder = posixpath.dirname(path)
    named = " or ".join(posix_join(folder, s) for s in sources) or "the file it is compiled from"
    return (f"{path} is compiled by {tool}, which writes it again without the line: add the "
            f"package to {named}, then compile it again")


@dataclass
class _Reader:
    ws: Workspace
    context: str
    dockerfile: Dockerfile
    args: Mapping[str, str | None]                    # compose's build args
    wheels: set[str] = field(default_factory=set)     # files `pip wheel -r` builds wheels of
    no_index: list[str] = field(default_factory=list)  # files installed with --no-index
    reading: set[int] = field(default_factory=set)     # stages being read (copy cycles)
    # the stage being read: source stage -> every path it copies from there (a venv and
    # the app's code from one builder: the venv carries the installs)
    copied: dict[str, list[str]] = field(default_factory=dict)
    link: Stage | None = None   # the stage of the chain whose instructions are being read

    def stage(self, stage: Stage) -> Declared:
        out = Declared()
        links = list(reversed(chain(self.dockerfile, stage)))
        defaults = meta_args(self.dockerfile)
        given = {**defaults, **{k: v for k, v in self.args.items() if v is not None}}
        for values in (defaults, given):   # the file is built with its defaults too
            image = resolve_image(links[0].base, values)
            if not _PLAIN_BASES.match(_image_name(image)) and not uv_derived(image):
                out.unreadable(f"the base image {image or links[0].base} may hold Python "
                               "packages")
        self.reading.add(stage.index)
        state = BuildState()
        for link in links:
            self.copied = _copies_from(link)
            for install in installs(self.dockerfile, link):
                for name in install.names():   # `python3-uvicorn`, `py3-fastapi`
                    match = _DISTRO_PYTHON.match(name)
                    if match and match.group(1) not in _PYTHON_PARTS:
                        out.add(match.group(1), frozenset())
            self.link = link
            for instruction in link.instructions:
                self._instruction(instruction, state, out)
        self.reading.discard(stage.index)
        return out

    def _instruction(self, instruction: Instruction, state: BuildState, out: Declared) -> None:
        value = instruction.value
        if instruction.cmd == "WORKDIR" and value:
            state.workdir = posixpath.join(state.workdir, resolve_image(value[0], state.env))
        elif instruction.cmd == "ENV":
            for key, raw in zip(value[::2], value[1::2]):
                state.env[key] = resolve_image(raw.strip("\"'"), state.env)
        elif instruction.cmd == "RUN":
            for argv in run_commands(self.dockerfile.file.text, instruction):
                self._command(argv[program_at(argv):], state, out)
        elif instruction.cmd == "COPY":
            source = instruction.flag("--from")
            if source is not None and len(value) > 1:
                self._copy(source, list(value[:-1]), out)


    def _command(self, argv: list[str], state: BuildState, out: Declared) -> None:
        # `if [ -f requirements.txt ]; then pip install -r requirements.txt; fi`: the command
        # after a shell keyword runs (when its condition holds: its requirements count)
        while argv and argv[0] in _SHELL_KEYWORDS:
            argv = argv[1:]
        if not argv:
            return
        tool = posixpath.basename(argv[0])
        verb = next((a for a in argv[1:] if not a.startswith("-")), "")
        if tool == "poetry" and argv[1:3] == ["config", "virtualenvs.create"]:
            state.env["POETRY_VIRTUALENVS_CREATE"] = argv[3] if len(argv) > 3 else ""
        if (tool, verb) in _PROJECT_TOOLS and _names_a_member(argv):
            out.installs = True   # `uv sync --package api`: a workspace member's project
            out.unreadable(f"`{' '.join(argv[:4])}` installs a member of a workspace, whose "
                           "dependencies fixer does not read")
        elif (tool, verb) in _PROJECT_TOOLS:
            out.installs = True
            self._project(partial(installed_parts, argv, state.env), f"`{tool} {verb}`",
                          tool_location(tool, state), out, lock=f"{tool}.lock",
                          workdir=state.workdir)
        elif (tool, verb) in _ADDING_TOOLS:
            out.installs = True
            for spec in _added(argv[argv.index(verb) + 1:]):
                parsed = parse_requirement(spec)
                if parsed is not None:
                    out.add(*parsed, specifier_of(spec))
        elif tool in _OPAQUE_TOOLS and verb in ("install", "sync", "create", "update"):
            out.installs = True
            out.unreadable(f"`{tool} {verb}` installs packages from files fixer does not read")
        else:
            self._pip_command(argv, state, out)

    def _pip_command(self, argv: list[str], state: BuildState, out: Declared) -> None:
        found = _pip_verb(argv)
        if found is None:
            return
        at, verb, operands = found
        # `uv pip sync FILE...` and `pip-sync [FILE...]` (requirements.txt by default)
        args = pip_args(operands, sync=verb == "sync")
        if verb in ("wheel", "download"):
            located = (self._locate(arg) for arg in args.files)
            self.wheels.update(path for path in located if path)
            return
        out.installs = True
        runner = posixpath.basename(argv[0])
        if runner == "xargs":
            out.unreadable("`xargs pip install` reads its packages from its input")
        if verb == "sync" and not args.files:
            args.files.append("requirements.txt")
        self._pip(args, pip_location(argv, at, args, state), out)
        if verb == "sync":
            self._synced(args.files, "`pip-sync`" if runner == "pip-sync" else "`uv pip sync`",
                         out)
        elif args.no_deps:
            self._synced(args.files, "`pip install --no-deps`", out)

    def _synced(self, files: list[str], command: str, out: Declared) -> None:
        """A file a sync installs is a lock: the sync installs its lines and nothing they
        depend on, so a line added alone would come without its dependencies."""
        for path in filter(None, map(self._locate, files)):
            out.blocked.setdefault(path, f"the image installs {path} with {command}, which "
                                         "installs none of its lines' dependencies: add the "
                                         "package to the file it is compiled from, then "
                                         "compile it again")

    def _pip(self, args: PipArgs, location: str | None, out: Declared) -> None:
        if args.opaque:
            out.unreadable(f"`pip install` installs what fixer cannot name: {args.opaque}")
        for spec in args.packages:
            parsed = parse_requirement(spec)
            if parsed is not None:
                out.add(*parsed, specifier_of(spec))
        for arg in args.files:
            self._requirements_arg(arg, location, args.no_index, out)
        if args.project is not None:
            extras = args.project   # pip installs no dependency group
            self._project(lambda _: InstalledParts(extras), "`pip install .`", location, out)

    def _requirements_arg(self, arg: str, location: str | None, no_index: bool,
                          out: Declared) -> None:
        path = self._locate(arg)
        name = posixpath.basename(path or "")
        if path is None or name in ("setup.py", "setup.cfg"):
            out.unreadable(f"`pip install -r {arg}` reads a file fixer cannot find or read")
        elif name == "pyproject.toml":  # `uv pip install -r pyproject.toml`
            self._project(lambda _: InstalledParts(), f"`pip install -r {arg}`", location, out,
                          [posixpath.dirname(path)])
        else:
            if path not in out.requirement_files:
                out.requirement_files.append(path)
            out.locations.setdefault(path, location)
            if no_index:
                self.no_index.append(path)
            self.read_requirements(path, out, set())

    def read_requirements(self, path: str, out: Declared, seen: set[str]) -> None:
        file = self.ws.read(path)
        if file is None:
            out.unreadable(f"{path} is included but fixer cannot find it")
            return
        if path in seen:
            return
        seen.add(path)
        read = read_requirements_file(file)
        if read.compiled is not None:
            out.blocked.setdefault(path, _compiled_reason(path, *read.compiled))
        hashed = "--hash=" in file.text   # pip-compile --generate-hashes, `uv export`
        if hashed:
            out.blocked.setdefault(path, f"{path} pins every line with `--hash`, so pip "
                                         "checks hashes and refuses a line without one: add "
                                         "the package to the file it is compiled from, then "
                                         "compile it again")
        for why in read.unreadable:
            out.unreadable(f"{path}: {why}")
        # a compiled file lists what its lines bring, and pip checks hashes only when every
        # package it installs has one: such a file is the whole install
        closure = hashed or read.compiled is not None
        for entry in read.entries:
            out.add(entry.name, entry.extras, specifier_of(entry.text), closure)
        for included in read.includes:
            self.read_requirements(include_path(path, included), out, seen)

    def _project(self, parts: Callable[[str], InstalledParts], command: str,
                 location: str | None, out: Declared, folders: list[str] | None = None,
                 lock: str = "", workdir: str | None = None) -> None:
        """The project a command builds: the one whose pyproject.toml the COPYs put in the
        folder the command runs in (`workdir`: `poetry install` in /svc installs
        /svc/pyproject.toml), else one a COPY brings into the image (`COPY
        services/api/pyproject.toml ./` from the repository root), else the build context's,
        else the Dockerfile folder's; `parts`: the extras and dependency groups the command
        installs, from that pyproject.toml's text; `lock`: the lock file beside it that the
        command installs from."""
        there = in_image(self.ws.tree, self.context, self.dockerfile, self.link,
                         posixpath.join(workdir, "pyproject.toml")) \
            if workdir is not None and self.link is not None else None
        copied = there or self._locate("pyproject.toml")
        for folder in folders or [*([posixpath.dirname(copied)] if copied else []),
                                  self.context, posixpath.dirname(self.dockerfile.path)]:
            manifests = [posix_join(folder, n) for n in ("pyproject.toml", "setup.py", "setup.cfg")]
            present = [m for m in manifests if self.ws.tree.exists(m)]
            if not present:
                continue
            file = self.ws.read(manifests[0])
            if file is not None and self._invalid_toml(file, command, folder, out):
                return
            if file is None or not static_dependencies(file.text):
                out.unreadable(f"{command} installs the project in {folder or '.'}, whose "
                               f"dependencies {posixpath.basename(present[-1])} decides")
                return
            local = path_dependency(file.text)
            if local is not None:   # its own dependencies come with it, unread here
                out.unreadable(f"{command} installs the project in {folder or '.'}, whose "
                               f"dependency {local} is a local path that brings its own")
                return
            found, table = pyproject_requirements(file.text)
            chosen = parts(file.text)
            optional = optional_requirements(file.text, chosen.extras, chosen.groups)
            releases = self._locked(posix_join(folder, lock) if lock else None, chosen)
            # a lock that pins every requirement pins what they bring too
            closure = bool(releases) and all(r[0] in releases for r in [*found, *optional])
            for name, extras, specifier in found:
                out.add(name, extras, specifier, closure)
            for name, extra in optional:
                out.add(name, extra, closure=closure)
            for name, version in releases.items():
                out.locked(name, version)
            if out.pyproject in (None, file.path):
                out.pyproject, out.pyproject_table = file.path, table
            out.locations.setdefault(file.path, location)
            return
        out.unreadable(f"{command} installs a project fixer cannot find")

    def _invalid_toml(self, file: TextFile, command: str, folder: str, out: Declared) -> bool:
        """A pyproject.toml the build installs that is no TOML fails the build: an input
        error, and no judgement of what the image holds."""
        error = toml_error(file.text)
        if error is None:
            return False
        self.ws.record_error(InputError(file.path, error[0], f"invalid TOML: {error[1]}"))
        out.unreadable(f"{command} installs the project in {folder or '.'}, whose "
                       f"{file.path} is not valid TOML")
        return True

    def _locked(self, path: str | None, parts: InstalledParts) -> dict[str, str]:
        """The releases the lock file at `path` pins for what the install takes."""
        file = self.ws.read(path) if path else None
        return locked_releases(file, parts) if file else {}

    def _copy(self, source: str, paths: list[str], out: Declared) -> None:
        stage = self.dockerfile.stage_from(source)
        packages = any(PACKAGE_PATH.search(p) for p in paths)
        if stage is None:
            if packages:
                out.unreadable(f"`COPY --from={source}` copies Python packages from an image")
            return
        if stage.index in self.reading:
            return
        together = self.copied.get(source.lower(), paths)   # every copy from that stage
        reading = self.copied
        copied = self.stage(stage)
        self.copied = reading   # the stage read sets its own
        if copied.installs:
            why = (f"the image copies {' '.join(together)} from stage {source}; fixer cannot "
                   f"tell that this carries what {source} installs")
            out.merge(copied, lambda location: carried(location, together), why)
        elif copied.unknown and packages:
            out.unreadable(copied.unknown)

    def _locate(self, arg: str) -> str | None:
        return None if "$" in arg else repository_file(self.ws, self.context, self.dockerfile, arg)


def _copies_from(stage: Stage) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for instruction in stage.find("COPY"):
        source = instruction.flag("--from")
        if source is not None and len(instruction.value) > 1:
            found.setdefault(source.lower(), []).extend(instruction.value[:-1])
    return found


# words that start a command of a compound shell statement, not a program
_SHELL_KEYWORDS = frozenset({"then", "else", "do", "{", "(", "!"})

# options that pick a workspace member, or every member, instead of the root project
_MEMBER_OPTIONS = ("--package", "--all-packages", "--directory", "--project", "-C")


def _names_a_member(argv: list[str]) -> bool:
    return any(a.split("=", 1)[0] in _MEMBER_OPTIONS for a in argv[2:])


def _pip_verb(argv: list[str]) -> tuple[int, str, list[str]] | None:
    """Where pip is in a command (`uv pip`, `python -m uv pip`, `python -m pip`, `xargs
    pip`), its verb, and the words after the verb; pip-tools' `pip-sync` is `pip sync`."""
    runner = posixpath.basename(argv[0])
    if runner == "pip-sync":
        return 0, "sync", argv[1:]
    at = next((i for i, a in enumerate(argv) if _PIP.match(posixpath.basename(a)) and
               (i == 0 or argv[i - 1] == "-m" or posixpath.basename(argv[i - 1]) == "uv"
                or runner in ("uv", "xargs"))), None)
    verb = next((a for a in argv[at + 1:] if a in _PIP_VERBS), None) if at is not None else None
    if at is None or verb is None:
        return None
    return at, verb, argv[argv.index(verb, at + 1) + 1:]


def _image_name(image: str) -> str:
    name = image.strip().lower().split("@", 1)[0]
    if name.rfind(":") > name.rfind("/"):
        name = name[:name.rfind(":")]
    return hub_name(name)


def _added(operands: list[str]) -> list[str]:
    """The packages of a `poetry add` / `uv add` command's operands: its options, and the
    values of those that take one, left out."""
    packages: list[str] = []
    skip = False
    for word in operands:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in _ADD_VALUED
        else:
            packages.append(word)
    return packages

"""Where a service's Python dependencies are declared: the requirements files its
Dockerfile installs (`pip install -r`, followed through COPY and `-r` includes), the
build context's requirements.txt and pyproject.toml, and packages a RUN installs by name.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from fixer.dockertext import commands, escape_char, instruction_tokens
from fixer.requirements import normalize, parse_requirement, pyproject_requirements
from fixer.requirements import include_path, requirements_lines
from fixer.sources.dockerfile import Dockerfile
from fixer.workspace import Workspace

_PIP_VALUED = {"-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f",
               "--find-links", "--target", "-t", "--prefix", "--root", "--platform",
               "--python-version", "--implementation", "--abi", "--src", "--upgrade-strategy",
               "--progress-bar", "--cache-dir", "--trusted-host", "--timeout", "--retries"}
_PROJECT_INSTALLERS = {("poetry", "install"), ("uv", "sync"), ("pdm", "install"),
                       ("pipenv", "install"), ("pdm", "sync"), ("hatch", "env")}


@dataclass
class Declared:
    names: dict[str, set[frozenset[str]]] = field(default_factory=dict)  # name -> extras seen
    requirement_files: list[str] = field(default_factory=list)   # preferred first
    pyproject: str | None = None
    pyproject_table: str | None = None                        # "pep621" | "poetry"

    def add(self, name: str, extras: frozenset[str]) -> None:
        self.names.setdefault(name, set()).add(extras)

    def has(self, name: str, extra: str | None = None) -> bool:
        seen = self.names.get(normalize(name))
        if seen is None:
            return False
        return extra is None or any(extra in extras for extras in seen)


@dataclass
class _Installs:
    files: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    project: bool = False


def declared(ws: Workspace, context: str, dockerfile: Dockerfile) -> Declared:
    out = Declared()
    installs = _pip_installs(dockerfile)
    for package in installs.packages:
        parsed = parse_requirement(package)
        if parsed is not None:
            out.add(*parsed)
    located = [_locate(ws, context, dockerfile, arg) for arg in installs.files]
    default = posixpath.join(context, "requirements.txt") if context else "requirements.txt"
    for path in [p for p in located if p] + [default]:
        if path not in out.requirement_files and ws.tree.exists(path):
            out.requirement_files.append(path)
    for path in list(out.requirement_files):
        _read_requirements(ws, path, out, set())
    pyproject = posixpath.join(context, "pyproject.toml") if context else "pyproject.toml"
    file = ws.read(pyproject)
    if file is not None:
        found, table = pyproject_requirements(file.text)
        for name, extras in found:
            out.add(name, extras)
        out.pyproject, out.pyproject_table = pyproject, table
    return out


def _read_requirements(ws: Workspace, path: str, out: Declared, seen: set[str]) -> None:
    file = ws.read(path)
    if file is None or path in seen:
        return
    seen.add(path)
    entries, includes = requirements_lines(file.text)
    for entry in entries:
        out.add(entry.name, entry.extras)
    for included in includes:
        _read_requirements(ws, include_path(path, included), out, seen)


def _pip_installs(dockerfile: Dockerfile) -> _Installs:
    """Every `pip install` of every stage: the files it reads, the packages it names."""
    text = dockerfile.file.text
    escape = escape_char(text)
    found = _Installs()
    for stage in dockerfile.stages:
        for instruction in stage.find("RUN"):
            if instruction.json:
                continue
            for words in commands(instruction_tokens(text, instruction, escape)):
                _read_command([w.value for w in words], found)
    return found


def _read_command(argv: list[str], found: _Installs) -> None:
    programs = tuple(posixpath.basename(a) for a in argv[:2])
    if programs in _PROJECT_INSTALLERS:
        found.project = True
    if "install" not in argv:
        return
    at = argv.index("install")
    if not any(posixpath.basename(a).startswith("pip") for a in argv[:at]):
        return  # pip, pip3, python -m pip, uv pip
    args = argv[at + 1:]
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg in ("-r", "--requirement"):
            found.files.extend(args[index + 1:index + 2])
            skip = True
        elif arg.startswith("--requirement="):
            found.files.append(arg.split("=", 1)[1])
        elif arg.startswith("-r") and len(arg) > 2:
            found.files.append(arg[2:].lstrip("="))
        elif arg in _PIP_VALUED:
            skip = True
        elif arg.startswith("-"):
            continue
        elif arg.startswith((".", "/")) or arg.endswith((".whl", ".tar.gz")):
            found.project = True
        else:
            found.packages.append(arg)


def _locate(ws: Workspace, context: str, dockerfile: Dockerfile, arg: str) -> str | None:
    """The repository file a `pip install -r ARG` reads, found through the COPYs."""
    base = posixpath.basename(arg)
    candidates = []
    if not arg.startswith("/"):
        candidates.append(arg)
    for stage in dockerfile.stages:
        for instruction in stage.find("COPY") + stage.find("ADD"):
            if any(f.startswith("--from") for f in instruction.flags):
                continue
            *sources, dest = instruction.value
            if len(sources) == 1 and not dest.endswith(("/", ".")) and \
                    posixpath.basename(dest) == base:
                candidates.append(sources[0])   # `COPY x/prod.txt /tmp/req.txt`
            for source in sources:
                if posixpath.basename(source.rstrip("/")) == base:
                    candidates.append(source)
                elif not posixpath.splitext(source)[1]:
                    candidates.append(posixpath.join(source, base))
    candidates.append(base)
    for candidate in candidates:
        path = posixpath.normpath(posixpath.join(context, candidate)) if context else \
            posixpath.normpath(candidate)
        if ws.tree.exists(path):
            return path
    return None

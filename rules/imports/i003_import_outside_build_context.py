"""An app service imports a package of the repository that its build context leaves out.

## What it does
Reads the module-level absolute imports of every module on an app service's import
path (the app module and what it imports from its import root, transitively). An
import is reported when its top-level package is found in no file of the build
context, but in a folder above it (`shared/` beside the service folders, built with
`context: ./orders`) or in a library project of the repository (a folder with a
pyproject.toml or setup.py that holds the package beside it or in its `src/`:
`libs/common/common/`), and neither the Dockerfile's installs nor the context's
requirements.txt / pyproject.toml name it (by the package's name or its project's).
Files the context's `.dockerignore` (or BuildKit's `<Dockerfile>.dockerignore`) drops
are not in the build context: a package a COPY would put on the import path but the
ignore file drops is reported too (an allow-list `*` / `!app/` that leaves out
`settings/`). One finding per service and package, at the first import of it.

Left alone: imports guarded by `try:` (the author handles their failure) or under
`if TYPE_CHECKING:`, imports inside functions, standard library modules, a service
whose image installs what fixer cannot name (`-e ../shared`, `shared @ file:...`,
a wheel, a base image with its own packages, a direct reference such as
`common-lib @ git+https://...` or a requirement from another index
`--extra-index-url`, in the requirements or in the Dockerfile: `PIP_EXTRA_INDEX_URL`,
`UV_INDEX_URL`, a copied `pip.conf`; the package may be among them, under another
distribution's name), a
build with `additional_contexts` (the Dockerfile may copy the package from there),
a build that fetches code (`git clone`, `ADD https://...`), a package that a bind mount
of the service puts into the container, and a folder with no `__init__.py` that holds
none of the names the import takes from it (`from kafka import KafkaProducer` beside a
`kafka/` folder of scripts: an installed `kafka` package wins over such a folder).

## Why is this bad?
`docker compose build` sends only the build context to the builder, so no `COPY`
can reach a folder beside it: the image holds the service without the package, and the
server stops at start-up with `ModuleNotFoundError: No module named '…'`. It
works on the developer's machine, where the repository root is on `sys.path`.

## Example
```yaml
services:
  orders:
    build: ./orders          # orders/app/main.py: from shared.schemas import Order
```

## Use instead
```yaml
services:
  orders:
    build:
      context: .
      dockerfile: orders/Dockerfile   # COPY orders/ . and COPY shared/ ./shared/
```
or make `shared` an installable package and name it in the service's requirements (a
library project's own name, `acme-common`, counts), or re-include a dropped package in
`.dockerignore` with a `!` line.

## Fix safety
Display-only: building from the common parent changes every `COPY` of the
Dockerfile and what `.dockerignore` applies to, packaging the code is a
decision about the repository's layout, and what an ignore file leaves out may be
left out on purpose (secrets, local settings); all need a person.
"""

from __future__ import annotations

import ast
import posixpath
import re
import sys
from collections.abc import Iterator
from typing import NamedTuple

from fixer.core import tree_index
from fixer.core.dockerignore import ContextFiles, context_files
from fixer.core.lazyre import lazy_compile
from fixer.core.tree_index import within
from fixer.facts.pydeps.dependency_sources import Declared, declared
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.image_paths import context_sources, dropped_at, image_path_of
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import BuiltService, Service, bind_mount_folders
from fixer.model.workspace import Workspace
from fixer.sources.compose import get
from fixer.sources.dockerfile import chain
from fixer.sources.python_modules import Modules

from .project_packages import installable, project_names, project_packages
from .run_imports import run_imports

CODE = "I003"
NAME = "import-outside-build-context"
CATEGORY = Category.IMPORTS
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # the modules' imports
# Its findings stop the service at start-up: a fix that waits for it to be healthy is held.
STOPS_START = True
SAFETY = (Safety.DISPLAY,)

Import = tuple[str, ast.Import | ast.ImportFrom, str]  # (file, statement, top-level name)


class _Origin(NamedTuple):
    """Where the repository holds an imported package that the image lacks."""

    parent: str                 # the folder to build from to reach it
    package: str                # its folder, or its module file
    project: str | None = None  # the library project folder that holds it
    ignore: str | None = None   # the ignore file that drops it from the build context


def detect(ws: Workspace) -> Iterator[Violation]:
    for service in app_services(ws):
        yield from _service_reports(ws, service)


def _service_reports(ws: Workspace, service: BuiltService) -> Iterator[Violation]:
    app = service.app
    module = appmodule.find(ws, service)
    mounts = bind_mount_folders(service)
    if module is None or mounts is None or _extra_contexts(service):
        return
    files = context_files(ws.tree, app.folder, app.dockerfile.path)
    inside = _names_inside(files)
    root = _image_root(ws, service, module) if files.ignore is not None else None
    candidates: dict[str, tuple[str, ast.Import | ast.ImportFrom, _Origin]] = {}
    for path, stmt, top in _imports(ws, Modules(ws.read, module.root), module):
        if top in candidates or top in inside or top in sys.stdlib_module_names:
            continue
        origin = (_dropped(ws, service, files, root, top) if root is not None else None) \
            or _outside(ws, app.folder, top)
        if origin is not None and not any(within(origin.package, m) for m in mounts) and \
                _holds(ws, origin.package, stmt, top):
            candidates[top] = (path, stmt, origin)
    # read last: most services import nothing from outside their context
    found = declared(ws, app.folder, app.dockerfile, app.stage, app.args) if candidates \
        else None
    text = app.dockerfile.file.text
    if found is None or found.unknown is not None or _foreign_source(ws, found) or \
            _IMAGE_INDEX.search(text) is not None or _FETCHED.search(text) is not None:
        return   # the image installs what fixer cannot name: the package may be among it
    for top, (path, stmt, origin) in candidates.items():
        if not any(found.has(name) for name in _distributions(ws, top, origin)):
            yield _report(ws, service, module, (path, stmt, top), origin, len(ws.stacks) > 1)


# code the build fetches from elsewhere (`git clone ... /opt/common`, `ADD https://...`):
# the package may be among it, on a PYTHONPATH the image sets
_FETCHED = lazy_compile(r"\bgit[ \t]+clone\b|^[ \t]*ADD[ \t]+(?:--\S+[ \t]+)*(?:https?://|git@)",
                        re.I | re.M)


def _holds(ws: Workspace, package: str, stmt: ast.Import | ast.ImportFrom, top: str) -> bool:
    """Whether the repository's package is what the import names: always for a module or
    a regular package; for a folder with no `__init__.py` (a namespace package, which any
    installed regular package of that name wins over) only when it holds a name the import
    takes from it (`from kafka import KafkaProducer` names no file of a `kafka/` folder of
    scripts: it is kafka-python's package)."""
    if package.endswith(".py") or ws.tree.exists(posixpath.join(package, "__init__.py")):
        return True
    if isinstance(stmt, ast.ImportFrom):
        rest = (stmt.module or "").split(".")[1:]
        names = rest[:1] or [alias.name for alias in stmt.names]
    else:
        names = [alias.name.split(".")[1] for alias in stmt.names
                 if alias.name.split(".")[0] == top and "." in alias.name]
    return any(ws.tree.exists(posixpath.join(package, name + ".py")) or
               tree_index.is_folder(ws.tree, posixpath.join(package, name)) for name in names)


def _imports(ws: Workspace, mods: Modules, module: appmodule.AppModule) -> Iterator[Import]:
    """The absolute imports that run when the module is imported: at module level, not
    guarded by `try:` or `if TYPE_CHECKING:`."""
    for path in appmodule.import_path(ws, module):
        loaded = mods.load(path)
        if loaded is not None:
            file, tree = loaded
            for stmt, top in run_imports(file, tree):
                yield path, stmt, top


def _names_inside(files: ContextFiles) -> set[str]:
    """Every folder name and module name in the build context (less what its ignore file
    drops): an import of one of them may resolve in the image (a `src/` layout, a COPY
    fixer does not follow)."""
    names: set[str] = set()
    start = len(files.folder) + 1 if files.folder else 0
    for path in tree_index.files_under(files.tree, files.folder):
        *folders, name = path[start:].split("/")
        if files.ignore is not None and files.dropped(path[start:]):
            continue
        names.update(folders)
        if name.endswith(".py"):
            names.add(name[:-3])
    return names


def _image_root(ws: Workspace, service: BuiltService, module: appmodule.AppModule) -> str | None:
    """The folder of the image that the app module is imported from (`/srv` for
    `app.main` at /srv/app/main.py); None when no COPY that fixer reads puts it there."""
    at = image_path_of(ws.tree, service, module.path)
    if at is None:
        return None
    root = posixpath.dirname(at)
    if not module.script:
        for _ in range(module.module.count(".") + module.path.endswith("__init__.py")):
            root = posixpath.dirname(root)
    return root


def _dropped(ws: Workspace, service: BuiltService, files: ContextFiles, root: str,
             top: str) -> _Origin | None:
    """The package a COPY would put on the import path but the ignore file drops."""
    for name in (top + ".py", top):
        package = dropped_at(ws.tree, service, posixpath.join(root, name))
        if package is not None and (package.endswith(".py") or any(
                p.endswith(".py") for p in tree_index.files_under(ws.tree, package))):
            return _Origin(files.folder, package, ignore=files.ignore.path
                           if files.ignore is not None else None)
    return None


def _outside(ws: Workspace, context: str, top: str) -> _Origin | None:
    """The nearest folder above the context that holds the package, as Python would find
    it with that folder on `sys.path`; else a library project of the repository that
    holds it (`libs/common/` with its pyproject.toml, for `libs/common/common/`)."""
    folder = context
    while folder:
        folder = posixpath.dirname(folder)
        package = posixpath.join(folder, top)
        module = package + ".py"
        if ws.tree.exists(module):
            package = module
        elif not any(p.endswith(".py") for p in tree_index.files_under(ws.tree, package)):
            continue   # neither a module, a package nor a namespace package of Python files
        if not within(context, package):
            return _Origin(folder, package)
    for found in project_packages(ws.tree, top):
        if not within(found.package, context) and not within(found.project, context):
            parent = posixpath.commonpath([context, found.project])
            return _Origin(parent, found.package, project=found.project)
    return None


# a direct reference (`common-lib @ git+https://...`) or another index: a distribution
# whose name says nothing of the top-level packages it installs
_FOREIGN = lazy_compile(r"^[ \t]*(?:[\"']?[A-Za-z0-9][\w.\[\], -]*@[ \t]*\S+|"
                        r"(?:--(?:extra-)?index-url|-i|--find-links|-f)\b)", re.M)


# another package index the image's installs use: pip's or uv's settings given in the
# Dockerfile (`ARG PIP_EXTRA_INDEX_URL`, `ENV UV_INDEX_URL`), a copied `pip.conf`, or an
# index option on a RUN line
_IMAGE_INDEX = lazy_compile(r"\b(?:PIP|UV)_(?:EXTRA_)?INDEX_URL\b|\bPIP_FIND_LINKS\b|"
                            r"\bpip\.conf\b|--(?:extra-)?index-url\b|--find-links\b")


def _foreign_source(ws: Workspace, found: Declared) -> bool:
    """The requirements name a direct reference or another package index: what they install
    may hold the package under another distribution's name."""
    paths = [*found.requirement_files, *([found.pyproject] if found.pyproject else [])]
    return any((file := ws.read(path)) is not None and _FOREIGN.search(file.text) is not None
               for path in paths)


def _distributions(ws: Workspace, top: str, origin: _Origin) -> set[str]:
    """The names a requirement may install the package by: its own, and the project name
    of a pyproject.toml in its folder (`acme-shared` for `shared/`) or of the library
    project that holds it."""
    folders = [origin.package, *([origin.project] if origin.project else [])]
    return {top} | {name for folder in folders for name in project_names(ws, folder)}


def _extra_contexts(service: Service) -> bool:
    return any(get(value, "additional_contexts") is not None
               for _doc, value in service.all("build"))


def _report(ws: Workspace, service: BuiltService, module: appmodule.AppModule,
            imported: Import, origin: _Origin, stacks: bool) -> Violation:
    """The finding; `stacks`: the repository has several, so the message names the one whose
    service it is (the same module fails in each that builds it without the package)."""
    path, stmt, top = imported
    context = service.app.folder
    where = f" in {service.stack.name}" if stacks else ""
    written = ast.unparse(stmt)
    written = written if len(written) <= 60 else written[:57] + "..."
    shown = origin.package + ("" if origin.package.endswith(".py") else "/")
    if origin.ignore is not None:
        named = _copied_source(service, origin.package)
        why = f"which {origin.ignore} drops from the build context of {service.name}{where}; " + (
            f"the build fails at the COPY of {named}" if named is not None else
            f"no COPY can put it in the image, and {service.name} stops at start-up "
            "(ModuleNotFoundError)")
    else:
        escaping = _escaping_copy(service, origin.package)
        why = (f"outside the build context {context or '.'}/ of {service.name}{where}; " + (
            f"the Dockerfile's `{escaping}` reaches out of the context, which no build "
            "can: the build fails there (the builder finds no such file in the context)"
            if escaping is not None else
            f"the image cannot hold it, and {service.name} stops at start-up "
            "(ModuleNotFoundError)"))
    return Violation(
        message=f"`{written}`: `{top}` is {shown}, {why}",
        path=path, line=stmt.lineno, column=stmt.col_offset + 1, service=service.name,
        subject=f"import {top}", reason=_suggestion(ws, service, module, top, origin))


def _escaping_copy(service: BuiltService, package: str) -> str | None:
    """A COPY or ADD of the final stage (or those it is built FROM) whose source climbs out
    of the build context to the package (`COPY ../shared /app/shared` with the context
    svc/): the instruction as written, up to its destination."""
    for command, source, _ in _copy_sources(service):
        landed = posixpath.normpath(posixpath.join(service.app.folder or ".", source))
        if source.startswith("..") and (within(landed, package) or within(package, landed)):
            return f"{command} {source}"
    return None


def _copy_sources(service: BuiltService) -> Iterator[tuple[str, str, bool]]:
    """Each source of the COPY and ADD instructions of the final stage and those it is
    built FROM, as written, with its instruction and whether it copies from another stage
    or image (`--from`)."""
    app = service.app
    for link in chain(app.dockerfile, app.stage):
        for instruction in [*link.find("COPY"), *link.find("ADD")]:
            flags = [w for w in instruction.value[:-1] if w.startswith("--")]
            elsewhere = any(flag.startswith("--from") for flag in flags)
            for source in (w for w in instruction.value[:-1] if not w.startswith("--")):
                yield instruction.cmd, source, elsewhere


def _copied_source(service: BuiltService, package: str) -> str | None:
    """A COPY source inside the dropped package: the builder finds nothing to copy there."""
    relative = posixpath.relpath(package, service.app.folder or ".")
    return next((source for source in context_sources(service)
                 if within(source, relative)), None)


def _suggestion(ws: Workspace, service: BuiltService, module: appmodule.AppModule, top: str,
                origin: _Origin) -> str:
    if origin.ignore is not None:
        pattern = posixpath.relpath(origin.package, service.app.folder or ".")
        return (f"re-include it in {origin.ignore} (a `!{pattern}` line after the lines that "
                f"drop it), or make `{top}` a package that the service's requirements install")
    build = _build_from_parent(ws, service, module, origin)
    if origin.project is None:
        return f"{build}, or make `{top}` a package that the service's requirements install"
    if not installable(ws, origin.project):
        return build   # a Poetry `package-mode = false` project, a pyproject.toml of tools
    name = next(iter(project_names(ws, origin.project)), posixpath.basename(origin.project))
    return (f"install the project `{name}` ({origin.project}/, which holds `{top}`) with the "
            f"service's requirements, or {build}")


def _build_from_parent(ws: Workspace, service: BuiltService, module: appmodule.AppModule,
                       origin: _Origin) -> str:
    """Build from the folder that holds both, and COPY the package: its source is relative
    to that new context (COPY sources resolve from the context, not the repository root),
    its destination the image folder the app module is imported from, when fixer can tell
    it (the package is imported as a top-level one, so it must sit on that folder)."""
    parent = origin.parent
    dockerfile = posixpath.relpath(service.app.build.dockerfile, parent or ".")
    slash = "" if origin.package.endswith(".py") else "/"   # a folder's, as COPY writes it
    source = posixpath.relpath(origin.package, parent or ".") + slash
    root = _image_root(ws, service, module)
    copy = f"COPY {source}" if root is None else \
        f"`COPY {source} {posixpath.join(root, posixpath.basename(origin.package))}{slash}`"
    return (f"build from {parent or 'the repository root'} (`context: "
            f"{posixpath.relpath(parent or '.', service.stack.folder or '.')}`, "
            f"`dockerfile: {dockerfile}`) and {copy} in the Dockerfile"
            f"{_moved_sources(service, parent)}")


def _moved_sources(service: BuiltService, parent: str) -> str:
    """What the new context asks of the Dockerfile's own COPY sources, which it holds below
    the service's folder (`COPY requirements.txt .` would take the parent's file, or none):
    "" where it copies nothing of its context."""
    own = [source for _, source, elsewhere in _copy_sources(service)
           if not elsewhere and not source.startswith(("..", "/")) and "://" not in source]
    if not own:
        return ""
    moved = posixpath.relpath(service.app.folder or ".", parent or ".")
    named = next((source for source in own if posixpath.normpath(source) != "."), ".")
    became = posixpath.normpath(posixpath.join(moved, named)) + ("/" if named == "." else "")
    return (f", with `{moved}/` before each of its other COPY sources (`{named}` becomes "
            f"`{became}`)")

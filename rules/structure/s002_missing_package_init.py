"""The app package the command imports has no `__init__.py`.

## What it does
Finds the folder of the app module (`app/` for `uvicorn app.main:app`) when the
command imports the module as part of a package and that folder has no
`__init__.py`. Not where a `RUN` of the image writes the package's `__init__.py` where the
image holds it (`COPY app ./api_service` then `RUN touch /app/api_service/__init__.py`):
the image has a regular package. Nor where the project records that it keeps namespace
packages on purpose, in a `pyproject.toml`, `setup.cfg`, `mypy.ini` or `ruff.toml` above
the folder: mypy's `explicit_package_bases = true`, or ruff's `namespace-packages` naming
the folder (`namespace-packages = ["app"]`, which ruff's INP001 leaves be too).

## Why is this bad?
Without `__init__.py` the folder is only a namespace package: it still imports,
but any other `app` folder on `sys.path` merges into it, tools (pytest, mypy,
setuptools' `find_packages`) skip or misname it, and relative imports inside it
depend on how it happened to be found. The fleet's convention is a regular
package.

## Example
```text
notification_service/app/main.py      # CMD ["uvicorn", "app.main:app", ...]
```

## Use instead
```text
notification_service/app/__init__.py  # empty
notification_service/app/main.py
```

## Fix safety
Safe: an empty `__init__.py` makes the namespace package a regular package with
the same contents; nothing that imported before stops importing. Display-only when the
package is a namespace spread over several folders, which an `__init__.py` would make
this folder alone:
- the code names a module of the package that the folder does not hold (`acme.billing`
  beside `acme/main.py`): in an import statement, as the name given to
  `importlib.import_module` or `__import__`, or as the literal prefix of a name built at run
  time (`import_module(f"acme.plugins.{name}")`, `"acme.plugins." + name`,
  `"acme.plugins.%s" % name`, `"acme.plugins.{}".format(name)`, also through a name
  assigned first), and below a subfolder without `__init__.py` too (`acme.plugins.billing`
  beside only `acme/plugins/core.py`). A name built at run time of a module the folder
  holds (`f"acme.routers.{name}"` beside `acme/routers/`) keeps the fix safe;
- the image puts another folder of the repository named like the package on the import
  path: right below a PYTHONPATH entry (`ENV PYTHONPATH=/code:/code/extensions` in the
  Dockerfile, or compose's `environment`, with `extensions/acme/`), at the import root, or
  copied into a site-packages folder.

The reason names the folder that shares the namespace when fixer sees it, and where the
container has it; else that the import fails unless an installed distribution shares the
namespace. Unsafe when a project above the folder discovers its packages (`find_packages()`
in a `setup.py`, `packages = find:` in a `setup.cfg`, `[tool.setuptools.packages.find]` in a
`pyproject.toml`, with no `where=`) and every folder between is a package: the
distribution it builds would ship this folder as a package too (`examples`, the demo app
of a library published to PyPI), unless its patterns leave it out (`exclude=["examples"]`,
or `include=["lib*"]` beside an `app/`; `include = ["app*"]` takes it).
Unsafe too when a module of the folder imports another module the folder holds by its bare
name (`from books.routes import router` in `src/main.py` beside `src/books/`): the folder is
an import root as well (a PYTHONPATH entry), and tools that find a file's import root from
the `__init__.py` files above it (`fastapi dev src/main.py`, pytest) would take its parent
once it has one, where that import fails.
Display-only too when the
repository's `.gitignore` ignores the `__init__.py`: it would not be committed, and the
next run, reading what git keeps, would report it missing again.
"""

from __future__ import annotations

import ast
import fnmatch
import posixpath
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from fixer.core import tree_index
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.model.committed import not_committed
from fixer.core.edits import CreateFile, Edit
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.image_paths import image_path_of, locate, run_workdir, workdir
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.facts.pydeps.dependency_sources import installed_in_image
from fixer.model.services import BuiltService
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import chain
from fixer.sources.python import called_name, parse

from .namespace_portions import (
    NamedModule,
    Portion,
    missing_depth,
    modules_named,
    portions_on_path,
    shares,
)

CODE = "S002"
NAME = "missing-package-init"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.WARNING
APP_ONLY = True   # the package of an app service's app module
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[str] = set()
    for service in app_services(ws):
        found = appmodule.find(ws, service)
        if found is None or not found.from_command or found.script or "." not in found.module:
            continue
        folder = posixpath.dirname(found.path)
        marker = posixpath.join(folder, "__init__.py")
        if marker in seen or ws.tree.exists(marker) or _made_in_image(ws, service, found) \
                or _declared_namespace(ws, folder):
            continue
        seen.add(marker)
        report = Violation(
            message=f"{folder}/ has no __init__.py: the command imports `{found.module}` "
                    "from it as a namespace package (Python 3 allows it; a regular package "
                    "is the norm)",
            path=found.path, line=1, service=service.name, subject=marker)
        elsewhere = _shared_namespace(ws, service, found, folder) or not_committed(ws, marker)
        if elsewhere is not None:
            yield replace(report, reason=elsewhere)
            continue
        published = _published(ws, folder) or _import_root_too(ws, service, folder, found.path,
                                                                  found.module)
        yield replace(report, fix=Fix(f"Create an empty {marker}" + (
            f" ({published})" if published else ""), Safety.UNSAFE if published else
            Safety.SAFE, partial(_created, marker)), reason=published)


# the tool settings that say a project keeps packages without `__init__.py` on purpose:
# mypy's `explicit_package_bases` (modules found from their base folders, not from
# `__init__.py` files), and ruff's `namespace-packages` list (folders its INP001 leaves be)
_MYPY_BASES = lazy_compile(r"(?im)^[ \t]*explicit_package_bases[ \t]*=[ \t]*true\b")
_RUFF_NAMESPACES = lazy_compile(r"(?m)^[ \t]*namespace-packages[ \t]*=[ \t]*\[([^\]]*)\]")
_TOOL_CONFIGS = ("pyproject.toml", "mypy.ini", ".mypy.ini", "setup.cfg", "ruff.toml",
                 ".ruff.toml")


def _declared_namespace(ws: Workspace, folder: str) -> bool:
    """The project means the folder as a namespace package: a configuration file above
    it, up to the root, sets mypy's `explicit_package_bases`, or lists the folder in ruff's
    `namespace-packages`. The author's recorded choice, which an `__init__.py` would undo."""
    where = folder
    while where:
        where = posixpath.dirname(where)
        for name in _TOOL_CONFIGS:
            path = posixpath.join(where, name)
            file = ws.read(path) if ws.tree.exists(path) else None
            listed = _RUFF_NAMESPACES.search(file.text) if file is not None else None
            if file is not None and (_MYPY_BASES.search(file.text) or listed and any(
                    posixpath.normpath(posixpath.join(where, entry)) == folder
                    for entry in re.findall(r"[\"']([^\"']+)[\"']", listed[1]))):
                return True
    return False


# Package discovery that takes every folder holding an `__init__.py` below the project's:
# `find_packages()` in a setup.py, `packages = find:` in a setup.cfg, and the `find` table
# of a pyproject.toml
_DISCOVERY = {"setup.py": lazy_compile(r"\bfind_packages\s*\("),
              "setup.cfg": lazy_compile(r"^\s*packages\s*=\s*find:", re.M),
              "pyproject.toml": lazy_compile(r"^\[tool\.setuptools\.packages\.find\]", re.M)}


def _published(ws: Workspace, folder: str) -> str | None:
    """Why an `__init__.py` would change more than the container: a project above the
    folder discovers its packages (`find_packages()`), and every folder between is a package
    already, so the distribution it builds would ship this one too (`examples`, the demo
    app of a library published to PyPI). Not where its `exclude` patterns take it out, or
    its `include` patterns leave it out (`include=["lib*"]`), nor where it discovers from
    another folder (`where=`)."""
    parts = folder.split("/")
    for depth in range(len(parts) - 1, -1, -1):
        project = "/".join(parts[:depth])
        for name, pattern in _DISCOVERY.items():
            config = posixpath.join(project, name)
            file = ws.scan(config) if ws.tree.exists(config) else None
            if file is None or not pattern.search(file.text) or "where" in file.text or \
                    not _discovered(file.text, parts[depth]):
                continue
            between = ["/".join(parts[:i]) for i in range(depth + 1, len(parts))]
            if all(ws.tree.exists(posixpath.join(b, "__init__.py")) for b in between):
                top = ".".join(parts[depth:])
                return (f"{config} discovers its packages, so the distribution it builds "
                        f"would ship `{top}` as one")
    return None


# the `include` and `exclude` patterns of package discovery: `find_packages(include=[...])`,
# `include = [...]` of pyproject's find table, and setup.cfg's lines under `include =`
_LISTED = {kind: lazy_compile(
    rf"\b{kind}\s*=\s*(\[[^\]]*\]|\([^)]*\)|[^\n]*(?:\n[ \t]+[^\n]*)*)")
    for kind in ("include", "exclude")}


def _discovered(text: str, top: str) -> bool:
    """Whether the discovery the configuration text sets up takes the package `top`: its
    `include` patterns, where it has some, match it (`app*`, not `lib*`), and no `exclude`
    pattern does (`examples`, `tests*`)."""
    def patterns(kind: str) -> list[str] | None:
        found = _LISTED[kind].search(text)
        if found is None:
            return None
        quoted = re.findall(r"[\"']([^\"']+)[\"']", found.group(1))
        return quoted or [w for w in re.split(r"[\s,]+", found.group(1)) if w]
    included, excluded = patterns("include"), patterns("exclude")
    return (included is None or any(fnmatch.fnmatchcase(top, p) for p in included)) and \
        not any(fnmatch.fnmatchcase(top, p) for p in excluded or [])


_SCAN_LIMIT = 500   # Python files read for the modules of the package they name


def _made_in_image(ws: Workspace, service: BuiltService, found: appmodule.AppModule) -> bool:
    """A `RUN` of the final stage (or a stage it is built FROM) names the package's
    `__init__.py` where the image holds the package (`RUN touch /app/api/__init__.py`, or
    relative to its working directory): the image has a regular package, whatever the
    repository's folder lacks."""
    landed = image_path_of(ws.tree, service, found.path)
    if landed is None:
        return False
    marker = posixpath.join(posixpath.dirname(landed), "__init__.py")
    app = service.app
    for stage in chain(app.dockerfile, app.stage):
        for run in stage.find("RUN"):
            text = " ".join(run.value)
            relative = posixpath.relpath(marker, run_workdir(app.dockerfile, stage, run))
            if "__init__.py" in text and (marker in text or relative in text):
                return True
    return False


def _shared_namespace(ws: Workspace, service: BuiltService, found: appmodule.AppModule,
                      folder: str) -> str | None:
    """Why the namespace package is meant, or None. The code names a module of it that the
    folder does not hold (`acme.billing` beside `acme/main.py`, also the literal prefix of
    `import_module(f"acme.plugins.{name}")`), which another folder sharing the namespace
    provides; or the image puts another folder named like the package on the import path
    (`extensions/acme/`, with `ENV PYTHONPATH=/code:/code/extensions`). An `__init__.py`
    would make `acme` this folder alone, and the other's modules would stop importing."""
    package = found.package
    portions = portions_on_path(ws, service, folder, package)
    named = _module_not_held(ws, found.root, folder, package)
    if named is None and not portions:
        return None
    if named is None:
        return f"{shares(portions[0], package)}, and an `__init__.py` in {folder}/ would hide it"
    path, module, missing = named
    below = module.parts[package.count(".") + 1:]
    holders = [p for p in portions if missing_depth(ws, p.folder, below) is None]
    sharer = _sharer(ws, service, folder, package, module.parts) or \
        next((shares(p, package) for p in holders + portions), None)
    what = f"`{missing}.…` (a name built at run time)" if module.built else f"`{missing}`"
    if sharer is None:   # nothing fixer sees provides it: the import may simply fail
        return (f"{path} imports {what}, which {folder}/ does not hold, nor any folder "
                "fixer sees on the image's import path: unless an installed distribution "
                f"shares the `{package}` namespace (an `__init__.py` would hide it), that "
                "import fails")
    return (f"{path} imports {what}, which {folder}/ does not hold: {sharer}, and an "
            "`__init__.py` would hide it")


def _module_not_held(ws: Workspace, root: str, folder: str,
                     package: str) -> tuple[str, NamedModule, str] | None:
    """The first module of the package a file of the import root names that the folder
    does not hold: the file, the module, and its name down to the part the folder lacks
    (`acme.common` of `acme.common.db` when there is no acme/common/)."""
    files = [p for p in tree_index.files_under(ws.tree, root) if p.endswith(".py")]
    depth = package.count(".") + 1
    for path in files[:_SCAN_LIMIT]:
        file = ws.read(path)
        if file is None:
            continue
        for module in modules_named(file.text, package):
            lacking = missing_depth(ws, folder, module.parts[depth:])
            if lacking is not None and (module.built or _imports(file, module.parts)):
                return path, module, ".".join(module.parts[:depth + lacking])
    return None


def _imports(file: TextFile, parts: list[str]) -> bool:
    """The module's code imports the module, with an import statement or `import_module`
    (the text named it: not only in a docstring, `from app.core.dependencies import x` in a
    usage example); so it may where the module does not parse, for all fixer can tell."""
    tree = parse(file)
    dotted = ".".join(parts)
    return tree is None or any(
        isinstance(node, ast.ImportFrom) and not node.level and node.module is not None and
        (node.module == dotted or
         any(f"{node.module}.{alias.name}" == dotted for alias in node.names))
        or isinstance(node, ast.Import) and any(alias.name == dotted for alias in node.names)
        or isinstance(node, ast.Call) and called_name(node) in ("import_module", "__import__")
        and any(isinstance(a, ast.Constant) and a.value == dotted for a in node.args)
        for node in ast.walk(tree))


def _sharer(ws: Workspace, service: BuiltService, folder: str, package: str,
            parts: list[str]) -> str | None:
    """The repository's folder that shares the namespace: one holding the module the import
    names (`app.common.db`, its longest part found first) where a PYTHONPATH entry of the
    container puts it (`libs/core/app`, copied to /opt/core, with `ENV
    PYTHONPATH=/opt/core`)."""
    cwd = workdir(service)
    below_package = package.count(".")   # the folders from the package's to its top one
    for entry in appmodule.python_path(ws, service):
        on_path = posixpath.normpath(posixpath.join(cwd, entry))
        for depth in range(len(parts), below_package + 1, -1):
            module = "/".join(parts[:depth])
            for relative in (module + ".py", module + "/__init__.py"):
                located = locate(ws.tree, service, on_path, relative)
                shared = _up(located, relative.count("/") - below_package) \
                    if located is not None else folder
                if shared != folder:
                    in_image = posixpath.join(on_path, *package.split("."))
                    return shares(Portion(shared, in_image, True), package)
    return None


def _up(path: str, levels: int) -> str:
    for _ in range(levels):
        path = posixpath.dirname(path)
    return path


def _import_root_too(ws: Workspace, service: BuiltService, folder: str, app_module: str,
                     dotted: str) -> str | None:
    """Why an `__init__.py` may stop a run the project documents: a module of the folder
    imports another module the folder holds by its bare name (`from books.routes import
    router` in src/main.py, beside src/books/), so the folder is an import root too (a
    PYTHONPATH entry, pytest's `pythonpath`). Tools that find a file's import root from the
    `__init__.py` files above it (`fastapi dev src/main.py`, pytest's rootdir imports) take
    the folder itself while it is no package, and its parent once it is one: the bare
    import fails there. Not a name the command's import root holds too (`models/` beside
    `app/`), which that import finds there, nor a module of the standard library or one the
    image may install (`import redis` in `app/redis.py`): the import means that one."""
    root = folder
    for _ in dotted.split(".")[1:]:   # `app.main` is imported from the folder above app/
        root = posixpath.dirname(root)
    files = [p for p in tree_index.files_under(ws.tree, folder) if p.endswith(".py")]
    for path in files[:_SCAN_LIMIT]:
        file = ws.read(path)
        tree = parse(file) if file is not None else None
        for line, held in _absolute_imports(tree) if tree is not None else ():
            top = held.split(".")[0]
            if _held(ws, folder, top) and not _held(ws, root, top) and \
                    top not in sys.stdlib_module_names and \
                    not installed_in_image(ws, service, top):
                return (f"{path}:{line} imports `{held}` by its bare name, which "
                        f"{folder}/ holds: tools that find the import root from the "
                        f"`__init__.py` files (`fastapi dev {app_module}`, pytest) take {folder}/ "
                        "for it now, and its parent once it has an `__init__.py`")
    return None


def _absolute_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, module) of each absolute import of the module's code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)


def _held(ws: Workspace, folder: str, name: str) -> bool:
    """The folder holds a module or package of that name."""
    return ws.tree.exists(posixpath.join(folder, name + ".py")) or \
        tree_index.is_folder(ws.tree, posixpath.join(folder, name))


def _created(marker: str) -> list[Edit]:
    return [CreateFile(marker, "")]

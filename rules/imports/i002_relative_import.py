"""A relative import in a service's code, where the policy wants absolute imports.

## What it does
Finds every relative import in the Python files of a service folder and names
the absolute import from the service's import root (the folder the command puts
on `sys.path`). Off unless selected by its full code: `--select I002`.

## Why is this bad?
Relative imports inside a package work, but the audit's policy is "uses absolute
imports": an absolute import reads the same wherever the module moves, and a
module that is later run as a script or served as top level keeps working.

## Example
```python
# app/routes/users.py, the app served as app.main:app
from ..db import session
from . import schemas
```

## Use instead
```python
from app.db import session
from app.routes import schemas
```

## Fix safety
Safe: the absolute import names the module the relative one resolved to, from
the import root of the command, by the name the image gives its package (`COPY
services/orders/app ./orders` with `uvicorn orders.main:app`: `orders.routers`, not
`app.routers`); comments and formatting around it are kept.
Display-only where the dots climb above the import root, where the import names a
module the repository does not hold beside the file (`from .users import users` with no
users.py, `from . import models` with no models.py and no `__init__.py` that may define
it: it fails either way, and no absolute name can be shown to resolve), or where a
top-level module's import has no absolute form (see I001); where code of the service folder imports
the root's own folder as a package (`from app import models` beside `python
app/main.py`, `from src.app.main import app` in a test): its modules also run in
package `app`, and a name from the root would load them a second time; where code names
the package from a folder below the root (`uvicorn.run("skill.app:app")` in
src/skill/__main__.py, served as `src.skill.app`): it also runs with that folder on
sys.path, where no name from the root imports; and where the image names the app's package
otherwise than its folder and the file lies outside that folder: fixer cannot tell what its
package is named there. Unsafe where the image renames
the folder and code outside the image imports it by its own name (`from app.main import
app` in a test, `uvicorn app.main:app` in a Makefile): the image's name does not import
where that code runs. Unsafe too where an import written on one line grows past the line
length the project's linter or formatter sets (`[tool.ruff]`, `[tool.black]`, `ruff.toml`,
a `[flake8]` `max-line-length`), where it fit before: its lint would fail until the line
is wrapped, which is the formatter's call. Unsafe as well where the project sorts its
imports (ruff selecting `I001`, an isort configuration, an isort pre-commit hook): the
absolute import leaves the relative imports' group, and the sorter may want it elsewhere;
but safe where ruff sorts and the order is shown to hold (the relative imports are the
last group of the module's top-level imports and in ruff's order once absolute, ruff counts
their package as first-party, and no other import of the module is first-party).
Files outside the import root are left alone: they have no absolute name to use; so are
those of a folder below the service folder that holds a Dockerfile of its own and not the
app (another image's code, with its own import root), and those of a folder beside the
app's with files named with a placeholder (`scaffold/module/schema/ {Module}Base.py`: a
template a script copies, whose relative imports move with it).
"""

from __future__ import annotations

import ast
import posixpath
import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import NamedTuple

from fixer.core import tree_index
from fixer.core.derived import Memo
from fixer.core.edits import Edit
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.core.tree import SKIPPED_DIRS
from fixer.facts.pydeps.module_commands import commands_naming
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Fix, Safety, Severity, Violation
from fixer.model.workspace import Workspace
from fixer.sources.python import narrow_edit, package_of, parse
from fixer.sources.python_modules import imported_in_text
from fixer.sources.importsort import import_sorter, ruff_keeps_order
from fixer.sources.linelimit import line_limit
from fixer.sources.relative_imports import absolutize_imports, scan_relative, target_module

CODE = "I002"
NAME = "relative-import"
CATEGORY = Category.IMPORTS
SEVERITY = Severity.WARNING
READS_APP_CODE = True   # the modules' imports
SAFETY = (Safety.SAFE, Safety.UNSAFE, Safety.DISPLAY)
DEFAULT = False


class Renamed(NamedTuple):
    """A folder of the repository that the image holds under another name: the package
    `dotted` (`COPY services/orders/app ./orders` with `uvicorn orders.main:app`)."""

    folder: str
    dotted: str


def detect(ws: Workspace) -> Iterator[Violation]:
    seen: set[str] = set()
    for service in app_services(ws):
        found = appmodule.find(ws, service)
        root = found.root if found is not None else service.app.folder
        renamed = _renamed(found) if found is not None else None
        named = _named_by_folder(ws, found.root, renamed) \
            if found is not None and renamed is not None else None
        # the import root's own folder imported as a package (`from app import models` in
        # app/api/auth.py, `python app/main.py` with PYTHONPATH on the folder above): its
        # modules run in package `app`, and a name from the root loads them a second time
        twice = _root_as_package(ws, root) if found is not None and root else None
        below: dict[str, str | None] = {}   # package -> `_named_below_root`
        for path in _own_python_files(ws, service.app.folder, found):
            package = package_of(path, root)
            if path in seen or package is None:
                continue
            seen.add(path)
            if package not in below:
                below[package] = _named_below_root(ws, root, package)
            doubt = twice or below[package]
            unnamed = None
            if renamed is not None:
                package = _image_package(path, renamed)
                unnamed = None if package is not None else \
                    f"the image holds {renamed.folder}/ as `{renamed.dotted}`: fixer cannot " \
                    f"tell what the package of {path} is named there"
            report = _report(ws, path, package or "", service.name,
                             unnamed or doubt,
                             named if package is not None else None)
            if report is not None:
                yield report


def _renamed(found: appmodule.AppModule) -> Renamed | None:
    """The folder the command's module name does not spell: the image copies it under
    the name of the package it serves (`orders.main` from services/orders/app/main.py), so
    the absolute imports must use that name, not the folder's."""
    if not found.from_command or found.script:
        return None
    relative = found.path[len(found.root) + 1:] if found.root else found.path
    folders = relative.split("/")[:-1]
    names = found.module.split(".")[:len(folders)]
    differ = [i for i, (a, b) in enumerate(zip(folders, names)) if a != b]
    if not differ or len(names) != len(folders):
        return None
    depth = differ[-1] + 1
    return Renamed(posixpath.join(found.root, *folders[:depth]), ".".join(names[:depth]))


_SCAN_LIMIT = 500   # Python files read for imports of the renamed folder by its own name


def _named_by_folder(ws: Workspace, root: str, renamed: Renamed) -> str | None:
    """Why the image's name may break what works now: code outside the image imports the
    folder by its own name (`from app.main import app` in a test, `cd services/orders &&
    uvicorn app.main:app` in a Makefile). There the package is `app`, and `from
    orders.routers import x` finds no `orders`; the relative import works in both."""
    own = renamed.folder[len(root) + 1:].replace("/", ".") if root else \
        renamed.folder.replace("/", ".")
    hit = _imported_as(ws, root, own)
    if hit is not None:
        return f"{hit[0]} imports `{hit[1]}` by its folder's name, " \
            f"where `{renamed.dotted}` would not import"
    for dotted, commands in commands_naming(ws).items():
        where = next((c for c in commands if c.from_folder(root)), None) \
            if dotted.startswith(own + ".") else None
        if where is not None:
            return f"{where.path}:{where.line} imports `{dotted}` by its folder's name, " \
                f"where `{renamed.dotted}` would not import"
    return None


def _named_below_root(ws: Workspace, root: str, package: str) -> str | None:
    """Why no name from the import root is the package's: code names it from a folder
    below the root (`uvicorn.run("skill_api.app:app")` in src/skill_api/__main__.py, where
    the image serves `src.skill_api.app`), so it also runs with that folder on sys.path,
    where `src.skill_api` does not import. A top-level module of that name beside the root's
    own is another module: no doubt."""
    parts = package.split(".")
    for depth in range(1, len(parts)):
        name, folder = parts[depth], posixpath.join(root, *parts[:depth])
        if name in sys.stdlib_module_names or ws.tree.exists(posixpath.join(root, name)) or \
                ws.tree.exists(posixpath.join(root, name + ".py")):
            continue   # `email.utils` is the standard library's, whatever app/email/ holds
        # a name of that folder's own module (`skill.app`), not a library's (`import redis`
        # beside app/infrastructure/redis/)
        hit = _imported_as(ws, root, name, partial(_module_in, ws, folder))
        if hit is not None:
            return (f"{hit[0]} names `{hit[1]}` from {folder}/, where `{package}` does not "
                    "import: which absolute name each import means is the author's call")
    return None


def _module_in(ws: Workspace, folder: str, dotted: str) -> bool:
    """`skill.app` is a module of `folder` (folder/skill/app.py or folder/skill/app/) that
    imports relatively: named so, it runs in package `skill`, and its relative imports load
    their modules there too; one with none loads only itself under that name, and the
    absolute imports of the others change nothing for it."""
    parts = dotted.split(".")
    if len(parts) < 2:
        return False
    path = posixpath.join(folder, *parts)
    file = ws.read(path + ".py") or ws.read(posixpath.join(path, "__init__.py"))
    return file is not None and _RELATIVE.search(file.text) is not None


def _own_python_files(ws: Workspace, folder: str, found: appmodule.AppModule | None
                      ) -> Iterator[str]:
    """The service folder's Python files, but those of a folder below it, away from the
    app's, that holds a Dockerfile of its own (`exempleImage/` beside `app/`: another
    image's code, whose import root is its own folder), or files named with a placeholder
    (`scaffold/module/schema/{Module}Base.py`: a template a script copies and fills in,
    whose relative imports are meant to move with it)."""
    app_folder = posixpath.dirname(found.path) if found is not None else folder
    files = tree_index.files_under(ws.tree, folder)
    others = {posixpath.dirname(p) for p in files if posixpath.basename(p) == "Dockerfile"}
    others = {o for o in others if o != folder and not _within(app_folder, o)}
    others |= {top for p in files if _PLACEHOLDER.search(p)
               if (top := _away_from(posixpath.dirname(p), folder, app_folder)) is not None}
    return (p for p in _python_files(ws, folder)
            if not any(_within(p, other) for other in others))


# a name a scaffolding script fills in: `{Module}Base.py`, `test_{module}.py`
_PLACEHOLDER = lazy_compile(r"\{\w+\}")


def _away_from(path: str, folder: str, app_folder: str) -> str | None:
    """The topmost folder holding `path` below `folder` that does not hold the app's folder
    (`scaffold` for scaffold/module/schema beside app/); None when every one holds it."""
    if path == folder:
        return None   # a placeholder file of the service folder itself: nothing to leave
    parts = path[len(folder) + 1:].split("/") if folder else path.split("/")
    for depth in range(1, len(parts) + 1):
        top = posixpath.join(folder, *parts[:depth])
        if not _within(app_folder, top):
            return top
    return None


def _within(path: str, folder: str) -> bool:
    return not folder or path == folder or path.startswith(folder + "/")


def _root_as_package(ws: Workspace, root: str) -> str | None:
    """Why no name from the import root is the module's: code of the repository (the
    root's, a test beside it or outside the image) imports one of the root's modules
    through the root's own folder (`from app import models`, `from src.app.main import app`
    in tests/conftest.py, `from backend.crud import x` in tests/), so they also run in
    package `app`; `from models import Base` would load a second copy of them (two
    SQLAlchemy `Base` classes), and fail where only the folder above is on sys.path."""
    own = posixpath.basename(root)
    hit = _imported_as(ws, "", own, partial(_module_in, ws, posixpath.dirname(root))) \
        if own.isidentifier() else None
    if hit is None:
        return None
    return (f"{hit[0]} imports `{hit[1]}` through the import root's own folder, so its "
            f"modules also run in package `{own}`: which absolute name each import means is "
            "the author's call")


def _imported_as(ws: Workspace, root: str, own: str,
                 meant: Callable[[str], bool] = lambda _dotted: True
                 ) -> tuple[str, str] | None:
    """(`path:line`, dotted name) of the first import in a Python file of the import root
    of the package `own` or a module below it (`from app import models` for `app`), of
    those `meant` takes."""
    for path, dotted, line in _imports_by_top(ws, root).get(own.split(".")[0], ()):
        if (dotted == own or dotted.startswith(own + ".")) and meant(dotted):
            return f"{path}:{line}", dotted
    return None


_IMPORTS: Memo[dict[str, dict[str, list[tuple[str, str, int]]]]] = \
    Memo("imports of a folder's Python files by top-level name")


def _imports_by_top(ws: Workspace, root: str) -> dict[str, list[tuple[str, str, int]]]:
    """What the first Python files under `root` import, by the dotted name's first part:
    (path, dotted name, line), in the files' order and each file's. Every service asks of
    the repository's root (`_root_as_package`): read once a run, not once a service."""
    return ws.derived.keyed(_IMPORTS, root, partial(_read_imports, ws, root))


def _read_imports(ws: Workspace, root: str) -> dict[str, list[tuple[str, str, int]]]:
    found: dict[str, list[tuple[str, str, int]]] = {}
    files = [p for p in tree_index.files_under(ws.tree, root) if p.endswith(".py")]
    for path in files[:_SCAN_LIMIT]:
        file = ws.read(path)
        if file is None:
            continue
        for dotted, at in _names_in(file.text):
            found.setdefault(dotted.split(".")[0], []).append(
                (path, dotted, file.line_of(at)))
    return found


# a relative import statement: `from .config import x`, `from . import models`
_RELATIVE = lazy_compile(r"(?m)^[ \t]*from[ \t]*\.")
# a server's target written in the code (`uvicorn.run("skill_api.app:app")`)
_TARGET = lazy_compile(r"[\"']([A-Za-z_][\w.]*):[A-Za-z_]\w*[\"']")


def _names_in(text: str) -> Iterator[tuple[str, int]]:
    """The modules the text imports, and those it names as a server's target."""
    yield from imported_in_text(text)
    for match in _TARGET.finditer(text):
        yield match.group(1), match.start()


def _image_package(path: str, renamed: Renamed) -> str | None:
    """The `__package__` of a file of the renamed folder in the image; None outside it."""
    if not path.startswith(renamed.folder + "/"):
        return None
    folders = path[len(renamed.folder) + 1:].split("/")[:-1]
    if not all(part.isidentifier() for part in folders):
        return None
    return ".".join([renamed.dotted, *folders])


def _python_files(ws: Workspace, folder: str) -> list[str]:
    return [p for p in tree_index.files_under(ws.tree, folder) if p.endswith(".py")
            and not SKIPPED_DIRS.intersection(p.split("/"))]


def _report(ws: Workspace, path: str, package: str, service: str,
            unnamed: str | None, named: str | None) -> Violation | None:
    """`unnamed`: why the file has no absolute name fixer can show in the image; `named`:
    why the name the image gives its package may break what imports it otherwise."""
    file = ws.read(path)
    scanned = scan_relative(file, package) if file is not None else None
    if file is None or scanned is None:
        return None
    first = scanned.nodes[0]
    problem = unnamed or (scanned.problems[0] if scanned.problems else None) or \
        next((why for node in scanned.nodes if (why := _unresolved(ws, path, node))), None)
    doubt = named or (_overlong(ws, file, package, scanned.nodes) or
                      _resorted(ws, file, package, scanned.nodes) if not problem else None)
    title = "Import from the import root" + (f" ({doubt})" if doubt else "")
    fix = None if problem else Fix(title, Safety.UNSAFE if doubt else Safety.SAFE,
                                   partial(_absolutized, file, package))
    return Violation(message=f"relative import {scanned.summary()} in {path}", path=path,
                     line=first.lineno, column=first.col_offset + 1, service=service,
                     subject=path, reason=problem or doubt, fix=fix)


def _overlong(ws: Workspace, file: TextFile, package: str,
              nodes: list[ast.ImportFrom]) -> str | None:
    """Why the absolute imports would fail the project's own lint: one written on one line
    grows past the line length its linter or formatter sets (`linelimit.py`), where it fit
    before. Wrapping it is the formatter's call, which fixer does not make."""
    limit = line_limit(_text_of(ws), file.path)
    if limit is None:
        return None
    lines = file.text.splitlines()
    for node in nodes:
        target = target_module(package, node.level, node.module)
        if not target or node.end_lineno != node.lineno or node.lineno > len(lines):
            continue
        old = len(lines[node.lineno - 1])
        new = old + len(target) - node.level - len(node.module or "")
        if new > limit.limit >= old:
            return (f"the absolute import at {file.path}:{node.lineno} is {new} characters "
                    f"long, over the line length of {limit.limit} that {limit.source} sets: the "
                    "project's linter would reject it until it is wrapped")
    return None


def _resorted(ws: Workspace, file: TextFile, package: str,
              nodes: list[ast.ImportFrom]) -> str | None:
    """Why the absolute imports may fail the project's own lint: its tooling sorts imports
    (`importsort.py`), and an import made absolute leaves the relative imports' group for
    one the sorter may order otherwise (beside the module's other first-party imports, or
    among the third-party ones where the sorter does not know the package). Where ruff
    sorts and its order is shown to hold (`ruff_keeps_order`), none."""
    sorter = import_sorter(_text_of(ws), file.path)
    if sorter is None:
        return None
    tree = parse(file)
    rewritten = [(node, target) for node in nodes
                 if (target := target_module(package, node.level, node.module))]
    if sorter.ruff is not None and tree is not None and len(rewritten) == len(nodes) and \
            ruff_keeps_order(sorter.ruff, partial(_is_module, ws), tree, rewritten):
        return None
    return (f"{sorter.source} has {sorter.tool} sort the imports: made absolute, the imports "
            f"of {file.path} may belong in another group than the relative ones, and that "
            "check fails until the sorter has moved them")


def _is_module(ws: Workspace, path: str) -> bool:
    """A package folder or a `.py` module of the repository at `path` (no extension)."""
    return tree_index.is_folder(ws.tree, path) or ws.tree.exists(path + ".py")


def _text_of(ws: Workspace) -> Callable[[str], str | None]:
    def text(path: str) -> str | None:
        found = ws.scan(path)
        return found.text if found is not None else None
    return text


def _unresolved(ws: Workspace, path: str, node: ast.ImportFrom) -> str | None:
    """Why the relative import resolves to no module of the repository (`from .users import
    users` beside no users.py, `from . import models` beside no models.py and no
    `__init__.py` that may define it): it fails as written, and fixer cannot show that an
    absolute name resolves either."""
    folder = posixpath.dirname(path)
    for _ in range(node.level - 1):
        folder = posixpath.dirname(folder)
    dots = "." * node.level
    if node.module is not None:
        if _holds(ws, folder, node.module.split(".")[0]):
            return None
        written = f"from {dots}{node.module} import ..."
    elif ws.tree.exists(posixpath.join(folder, "__init__.py")):
        return None   # `from . import x`: the package's own names may hold it
    else:
        missing = [alias.name for alias in node.names if not _holds(ws, folder, alias.name)]
        if not missing:
            return None
        written = f"from {dots} import {missing[0]}"
    return (f"`{written}` ({path}:{node.lineno}) names a module {folder or '.'}/ does not "
            "hold: the import fails as written, and fixer cannot show that an absolute one "
            "resolves")


def _holds(ws: Workspace, folder: str, name: str) -> bool:
    """The folder holds a module or a package named `name`."""
    here = posixpath.join(folder, name) if folder else name
    return tree_index.is_folder(ws.tree, here) or any(
        posixpath.basename(p).split(".")[0] == name for p in tree_index.files_in(ws.tree, folder))


def _absolutized(file: TextFile, package: str) -> list[Edit]:
    edit = narrow_edit(file.path, file.text, absolutize_imports(file.text, package))
    return [edit] if edit else []

"""Whether an app raises at start-up because a StaticFiles folder is missing from its image.

Starlette's `StaticFiles(directory="static")` checks the folder when it is built
(`check_dir=True` by default) and raises RuntimeError when it is absent. Built at import (at
a module's top level, on the app's import path) or in the app factory, it stops the app
before uvicorn listens: its healthcheck never passes, and every service gated on it with
`condition: service_healthy` stops `docker compose up` with "dependency failed to start".
Git keeps no empty folder, so a project whose `static/` holds nothing yet ships an image
without it. Only what fixer can show counts: a literal or module-constant directory (a
string, or a path: `UPLOAD_DIR = Path("uploads")` and `str(UPLOAD_DIR)`), resolved against
the container's working directory through the image's COPY instructions, or a folder
named beside the module's own file (`Path(__file__).parent / "static"`,
`os.path.join(os.path.dirname(__file__), "static")`), resolved from where the image puts
that module. One a volume may provide (a mount at the folder, above it or inside it, which
Docker makes the folder for; a mount whose target fixer cannot read; `tmpfs`,
`volumes_from`, configs and secrets), or a `RUN`, `VOLUME`, `WORKDIR`, an `ADD` or another
stage, is unknown, never a crash: a service's volumes that mount elsewhere
(`./config.py:/app/config.py`) leave the folder as missing as without them. The code may
make the folder itself (`os.makedirs`, `Path.mkdir`): a call that runs as the module is
imported or the factory runs, before the StaticFiles and naming the folder,
provides it; one in a route's handler runs on a request, long after the app raised, and
counts for nothing; any other (a helper, a `__main__` block, a call naming the folder by a
variable) is a doubt. So is a folder a setting or a variable names. A doubt makes a gate on
the app unsafe.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.model import appmodule
from fixer.model.appservice import is_app_service
from fixer.model.image_paths import folder_in_image, image_path_of, workdir
from fixer.model.services import BuiltService, Service, volume_targets
from fixer.model.workspace import Workspace
from fixer.sources.fastapi_routes import handles_a_route
from fixer.sources.file_relative import folder_beside
from fixer.sources.python import main_guard, parse
from fixer.sources.python_modules import (
    assigned_value, binding, call_argument, is_call_to, string_value)

# what makes a folder at run time: the code may create the one it mounts
_MAKES_FOLDERS = ("makedirs", "mkdir")

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

# per workspace: C004 and the stack check's gates ask for each app service
_JUDGED: Memo[dict[Service, _Judged]] = Memo("static folder missing at start-up")


class _Judged(NamedTuple):
    """Why the app raises at start-up, or why fixer cannot tell whether it does."""

    crash: str | None = None
    doubt: str | None = None


def static_dir_crash(ws: Workspace, service: Service) -> str | None:
    """Why the app raises at start-up (`the app raises at start-up:
    StaticFiles(directory="static") and the image has no static/`), or None when it does
    not or fixer cannot tell."""
    return _judged(ws, service).crash


def static_dir_doubt(ws: Workspace, service: Service) -> str | None:
    """Why fixer cannot tell whether the app raises at start-up: a StaticFiles built at
    import that checks a folder fixer cannot read (a setting, a variable), or one the image
    lacks that code other than the start-up's may make (a helper's `os.makedirs`)."""
    return _judged(ws, service).doubt


def _judged(ws: Workspace, service: Service) -> _Judged:
    return ws.derived.keyed(_JUDGED, service, lambda: _judge(ws, service))


def _judge(ws: Workspace, service: Service) -> _Judged:
    if not isinstance(service, BuiltService):
        return _Judged()
    mounts = _mount_targets(service)
    if mounts is None or not is_app_service(ws, service) or not _image_read(service, ""):
        return _Judged()   # a mount may hold the folder; so may what fixer does not read
    module = appmodule.find(ws, service)
    if module is None:
        return _Judged()
    served: list[_Served] = []
    makers: list[_Maker] = []
    for path in appmodule.import_packages(ws, module):
        file = ws.read(path)
        tree = parse(file) if file is not None else None
        if file is None or tree is None:
            continue
        factory = module.attr if module.factory and path == module.path else None
        if "StaticFiles" in file.text:   # most modules build none: no walk of their tree
            served += _static_dirs(tree, factory, path, file.text)
        if any(word in file.text for word in _MAKES_FOLDERS):
            makers += _makers(tree, factory, path, file.text)
    verdicts = [_verdict(ws, service, folder, makers, mounts) for folder in served]
    crash = next((why for kind, why in verdicts if kind == "crash"), None)
    doubt = next((why for kind, why in verdicts if kind == "doubt"), None)
    return _Judged(crash) if crash is not None else _Judged(doubt=doubt)


def _verdict(ws: Workspace, service: BuiltService, folder: _Served, makers: list[_Maker],
             mounts: list[str]) -> tuple[str, str | None]:
    """("crash", why) where the app raises for want of the folder, ("doubt", why) where fixer
    cannot tell, ("", None) where it does not raise."""
    missing = _missing(ws, service, folder, mounts) if folder.unread is None else None
    if folder.unread is None and missing is None:
        return "", None   # in the image, or put there by what fixer does not follow
    named = folder.unread or folder.name
    relevant = [m for m in makers if not m.on_request and (m.unnamed or _names(m, folder))]
    if any(m.early and _names(m, folder) and not _after(m, folder) for m in relevant):
        return "", None   # made as the app starts, before StaticFiles checks it
    if relevant:
        maker = relevant[0]
        return "doubt", (f"StaticFiles in {folder.module} checks {named}, and fixer cannot tell "
                         f"whether `{maker.shown}` ({maker.module}:{maker.line}) makes it "
                         "before: the app raises at start-up without it")
    if missing is not None:
        return "crash", missing
    return "doubt", (f"StaticFiles(directory={folder.unread}) in {folder.module} checks a "
                     "folder fixer cannot read, and the app raises at start-up without it")


def _names(maker: _Maker, folder: _Served) -> bool:
    """Whether the call names the folder: the folder's name among its strings, or, for a
    folder fixer cannot read, the very expression the StaticFiles is given."""
    if folder.unread is not None:
        return folder.unread in maker.written
    return folder.name in maker.text


def _after(maker: _Maker, folder: _Served) -> bool:
    """The folder made below the StaticFiles that checks it, in the same module."""
    return maker.module == folder.module and maker.line > folder.line


class _Maker(NamedTuple):
    """A call that makes a folder (`os.makedirs(...)`, `Path(...).mkdir()`)."""

    module: str
    line: int
    written: str        # the call as written
    text: str           # its strings, module constants read: what names the folder
    early: bool         # runs as the module is imported, or in the app factory
    on_request: bool    # in a route's handler: runs on a request only
    unnamed: bool       # names its folder with no string (a variable, a setting)

    @property
    def shown(self) -> str:
        first = self.written.splitlines()[0] if self.written else ""
        return first if len(first) <= 60 else first[:57] + "..."


def _makers(tree: ast.Module, factory: str | None, path: str, text: str) -> list[_Maker]:
    """The folder-making calls of a module, each with when it runs."""
    found: list[_Maker] = []

    def visit(node: ast.AST, early: bool, on_request: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _FUNCTIONS):
                visit(child, node is tree and child.name == factory,
                      on_request or handles_a_route(child))
                continue
            if isinstance(child, ast.Lambda) or main_guard(child):
                visit(child, False, on_request)
                continue
            if isinstance(child, ast.Call) and (is_call_to(child, "makedirs")
                                                or is_call_to(child, "mkdir")):
                written = ast.get_source_segment(text, child) or ast.unparse(child)
                words = _strings(tree, child)
                found.append(_Maker(path, child.lineno, written, " ".join(words), early,
                                    on_request, not words))
            visit(child, early, on_request)

    visit(tree, True, False)
    return found


def _strings(tree: ast.Module, call: ast.Call) -> list[str]:
    """The strings a folder-making call names: its literals, and the module constants it
    reads (`os.makedirs(STATIC_DIR)` with `STATIC_DIR = "static"`)."""
    found: list[str] = []
    for node in ast.walk(call):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.Name):
            value = path_value(tree, node)
            found += [value] if value is not None else []
    return found


_PATH_TYPES = ("Path", "PurePath", "PosixPath")


def path_value(tree: ast.Module, node: ast.expr | None) -> str | None:
    """The folder a string or a path names: a literal, `Path("uploads")`, `str(...)` of one,
    or a module-level constant holding one (`UPLOAD_DIR = Path("uploads")`); None
    otherwise."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id == "str" and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    if isinstance(node, ast.Name):
        bound = assigned_value(binding(tree.body, node.id))
        node = bound if isinstance(bound, ast.Call) else node
    if isinstance(node, ast.Call) and any(is_call_to(node, name) for name in _PATH_TYPES) \
            and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    return string_value(tree, node)


class _Served(NamedTuple):
    """A folder a StaticFiles of `module` checks: named by a `literal` (relative to the
    working directory), `beside` the module (relative to its folder), or `unread`."""

    module: str
    line: int
    literal: str | None = None
    beside: str | None = None
    unread: str | None = None

    @property
    def name(self) -> str:
        """The folder's own name (`static` of `./assets/static/`); "" when unread."""
        written = self.literal or self.beside
        return posixpath.basename(posixpath.normpath(written)) if written else ""


def _missing(ws: Workspace, service: BuiltService, folder: _Served,
             mounts: list[str]) -> str | None:
    """Why the container lacks the folder, when fixer can show it does: the image lacks it,
    and no mount of the service is at it, above it or inside it."""
    if folder.literal is not None:
        at = posixpath.normpath(posixpath.join(workdir(service), folder.literal))
        if _image_read(service, folder.name) and not _mounted(at, mounts) and \
                not folder_in_image(ws.tree, service, folder.literal):
            return (f'the app raises at start-up: StaticFiles(directory="{folder.literal}") '
                    f"and the image has no {posixpath.normpath(folder.literal)}/")
        return None
    if folder.beside is None:
        return None
    module_at = image_path_of(ws.tree, service, folder.module)
    repo_folder = posixpath.normpath(posixpath.join(posixpath.dirname(folder.module),
                                                    folder.beside))
    name = posixpath.basename(repo_folder)
    at = posixpath.normpath(posixpath.join(posixpath.dirname(module_at or ""), folder.beside))
    if module_at is None or not _image_read(service, name) or _mounted(at, mounts) or \
            folder_in_image(ws.tree, service, at):
        return None
    return (f"the app raises at start-up: StaticFiles in {folder.module} checks "
            f"{repo_folder}/, which the image does not have")


# instructions that may make a folder they name: `RUN mkdir -p static`, `WORKDIR
# /app/static` and `VOLUME /app/static` (a mount point) make the folder in the image
_MAKE_PATHS = frozenset({"RUN", "WORKDIR", "VOLUME"})
# service keys that put something into the container at a path fixer does not read here
_OTHER_MOUNTS = ("tmpfs", "volumes_from", "configs", "secrets")


def _image_read(service: BuiltService, name: str) -> bool:
    """Whether the Dockerfile puts nothing in the image that fixer cannot follow: no `ADD`
    (an archive or a URL), no COPY from another stage or of a pattern or a variable, no
    `RUN`, `WORKDIR` or `VOLUME` that names the folder (`mkdir -p static`), and a COPY of
    the build context."""
    copies = False
    for stage in service.app.dockerfile.stages:
        for ins in stage.instructions:
            if ins.cmd == "ADD" or (ins.cmd in _MAKE_PATHS and name and
                                    name in " ".join(ins.value)):
                return False
            if ins.cmd == "COPY":
                if any(f.startswith("--from") for f in ins.flags) or \
                        any(c in source for source in ins.value[:-1] for c in "*?[$"):
                    return False
                copies = True
    return copies


def _static_dirs(tree: ast.Module, factory: str | None, path: str,
                 text: str) -> Iterator[_Served]:
    """The folders of the StaticFiles built, checking them, when the module at `path` is
    imported (its top-level statements) or the app factory named `factory` runs."""
    body = list(tree.body)
    own: list[ast.stmt] = []
    if factory is not None:
        own = next((s.body for s in tree.body if isinstance(s, _FUNCTIONS)
                    and s.name == factory), [])
    for statement in body + own:
        if not isinstance(statement, ast.Expr | ast.Assign | ast.AnnAssign):
            continue   # under `if`/`try` it may not run, or its error be caught
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and is_call_to(node, "StaticFiles") and \
                    _checks(node):
                yield _folder(tree, own + body, call_argument(node, 0, "directory"),
                              path, node.lineno, text)


def _folder(tree: ast.Module, body: list[ast.stmt], directory: ast.expr | None, path: str,
            line: int, text: str) -> _Served:
    literal = path_value(tree, directory)
    if literal:
        return _Served(path, line, literal=literal)
    beside = folder_beside(body, directory)
    if beside is not None:
        return _Served(path, line, beside=beside)
    shown = (ast.get_source_segment(text, directory) or ast.unparse(directory)
             if directory is not None else "None").replace("\n", " ")
    return _Served(path, line, unread=shown if len(shown) <= 60 else shown[:57] + "...")


def _checks(call: ast.Call) -> bool:
    """Whether the StaticFiles call checks its folder as fixer reads it: not with
    `check_dir=False` (or a value fixer cannot read), `**options` or a folder left out
    (`packages=` instead)."""
    if any(k.arg is None or (k.arg == "check_dir" and not _is_true(k.value))
           for k in call.keywords) or len(call.args) > 3:
        return False
    return call_argument(call, 0, "directory") is not None


def _is_true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _mount_targets(service: BuiltService) -> list[str] | None:
    """The container paths the service's `volumes:` mount at, normalized; None where
    something else may put a folder into the container (`tmpfs`, `volumes_from`, configs,
    secrets) or a mount's target is not a plain absolute path (a variable, an entry fixer
    cannot read)."""
    if any(service.get(key) is not None for key in _OTHER_MOUNTS):
        return None
    targets = volume_targets(service) if service.get("volumes") is not None else []
    if targets is None or any(not t.startswith("/") or "$" in t for t in targets):
        return None
    return [posixpath.normpath(target) for target in targets]


def _mounted(path: str, mounts: list[str]) -> bool:
    """A mount at the folder, above it (a host folder or a volume that may hold it), or
    inside it (Docker makes the folders a mount point needs)."""
    return any(path == target or path.startswith(target.rstrip("/") + "/")
               or target.startswith(path + "/") for target in mounts)

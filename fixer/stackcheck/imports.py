"""Property 4 of the stack check: the Python files on an app service's import path compile,
and their relative imports resolve."""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.textfile import TextFile
from fixer.core.tree import Tree
from fixer.core.tree_index import is_folder
from fixer.model import appmodule
from fixer.model.appservice import is_app_service
from fixer.model.services import Stack
from fixer.model.workspace import Workspace
from fixer.sources.python import absolute_module, compile_problem, parse
from fixer.sources.python_modules import Modules
from fixer.sources.relative_imports import import_problem, relative_imports, written
from fixer.stackcheck.verdicts import IMPORT, Fact, Verdict

Problem = tuple[int, str]  # (line, why the module fails to import)


def import_facts(ws: Workspace, stack: Stack) -> Iterator[Fact]:
    for service in stack.services.values():
        if service.app is None or not is_app_service(ws, service):
            continue
        module = appmodule.find(ws, service)
        if module is None:
            continue
        for path, (line, problem) in _judged(ws, module).items():
            yield Fact(IMPORT, (IMPORT, stack.name, service.name, path), path, line,
                       (service.name,), f"a module on {service.name}'s import path",
                       Verdict.BROKEN if problem else Verdict.HOLDS,
                       f"no longer imports: {problem}")


# what the compiler says of a file: only an edit of that file can make it so
COMPILER_ERRORS = ("SyntaxError", "IndentationError", "TabError")



# each app module's import path, judged: carried across fix rounds while its files are
# unchanged, as most are
_JUDGED: Memo[dict[str, tuple[int, str | None]]] = Memo("import path, judged")


def _judged(ws: Workspace, module: appmodule.AppModule) -> dict[str, tuple[int, str | None]]:
    """Each file on the app module's import path with (line, why it fails to import, or
    None). The value is shared: callers read it."""
    return ws.tree.carried.remember(_JUDGED, module, ws.tree, lambda: _judge(ws, module))


def _judge(ws: Workspace, module: appmodule.AppModule) -> dict[str, tuple[int, str | None]]:
    mods = Modules(ws.read, module.root, module.python_path)
    found: dict[str, tuple[int, str | None]] = {}
    for path, package in appmodule.import_packages(ws, module).items():   # the rules' walk
        file = ws.read(path)
        if file is not None:
            scan = _scan(file, package)
            found[path] = scan.problem or _missing(ws.tree, mods, scan.relative) or (1, None)
    return found


@dataclass(frozen=True)
class _Scan:
    """What a module's text says about its imports, seen from its package."""

    problem: Problem | None                     # it does not compile, or a relative import
    relative: tuple[tuple[int, str, str], ...]  # (line, import as written, absolute target)


# package -> scan, kept with the file: the rounds of a fix run re-read mostly unchanged files
_SCANS: Memo[dict[str, _Scan]] = Memo("import scans")


def _scan(file: TextFile, package: str) -> _Scan:
    scans = file.derived.get(_SCANS, dict)
    if package not in scans:
        scans[package] = _scan_text(file, package)
    return scans[package]


def _scan_text(file: TextFile, package: str) -> _Scan:
    problem: Problem | None = compile_problem(file)
    tree = parse(file)
    if tree is None:
        return _Scan(problem or (1, "it does not parse"), ())
    relative: list[tuple[int, str, str]] = []
    for node in relative_imports(tree):
        problem = problem or _relative_problem(node, package, file.text)
        target = absolute_module(package, node.level, node.module)
        relative.append((node.lineno, written(node), target or ""))
    return _Scan(problem, tuple(relative))


def _relative_problem(node: ast.ImportFrom, package: str, text: str) -> Problem | None:
    if not package:
        return node.lineno, f"`{written(node)}` is a relative import in a top-level module"
    problem = import_problem(node, package, text)
    return (node.lineno, problem) if problem is not None else None


def _missing(tree: Tree, mods: Modules, relative: Iterable[tuple[int, str, str]]
             ) -> Problem | None:
    """The first relative import whose module is not in the service (a file, a package, or a
    folder Python imports as a namespace package)."""
    for line, shown, target in relative:
        if mods.path_of(target) is None and \
                not is_folder(tree, posixpath.join(mods.root, *target.split("."))):
            return line, f"`{shown}` names no module of the service"
    return None

"""A Python file on an app service's import path does not compile.

## What it does
Follows each app service's app module through the modules of its import root that
it imports, transitively (the files the server runs when it imports the app), and
reports every one that the compiler rejects: a syntax error, merge-conflict markers
left in (`<<<<<<<`, `=======`, `>>>>>>>`), Python 2 syntax (`print "x"`, `except
E, e:`). The finding is at the file and line of the error, with the compiler's
message and the services that import the file. A file shared by several services is
reported once.

Python 3.14 reads `except A, B:` (no `as`) as a list of exception types (PEP 758):
on an image that may run 3.14 or later (a `python:3.14` base, or one whose version
fixer cannot read), that line is no finding, and the rest of the file is still judged
(a Python 2 module's `print "x"` is).

The other rules read what they can: a module that does not parse gives them no
routes, imports or app to work with, so they skip it, and this finding says why.

## Why is this bad?
Importing the app raises `SyntaxError` before the server binds its port: the
container exits (or restarts in a loop), every healthcheck fails, and whatever
waits for the service never starts. Conflict markers are the usual cause: a merge
committed half-resolved.

## Example
```python
@router.get("/orders")
def list_orders():
<<<<<<< HEAD
    return []
=======
    return {"items": []}
>>>>>>> feature/pagination
```

## Use instead
```python
@router.get("/orders")
def list_orders():
    return {"items": []}
```

## Fix safety
Display-only: which side of a conflict to keep, or what a broken line meant, needs
a person. fixer compiles with the Python it runs on; when the image may run a newer
Python (a `python:3.13` base, or a base whose version fixer cannot read), syntax
that only newer versions accept would look broken here, so only what no Python 3
accepts is reported then: conflict markers, Python 2 syntax, a coding declaration
Python refuses (a UTF-8 BOM before `coding: latin-1`, a codec it does not know), and
indentation the tokenizer rejects (tabs and spaces mixed in a block, a dedent to no
enclosing level), and a statement where Python never allows it (a `from __future__`
import after other code, `return` or `yield` outside a function, `break` outside a loop,
an argument named twice).
"""

from __future__ import annotations

from collections.abc import Iterator

from fixer.facts.pydeps.python_syntax import Unparsable
from fixer.facts.pydeps.unparsable import runs_at_start, unparsable
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import Service
from fixer.model.workspace import Workspace

CODE = "S004"
NAME = "unparsable-module"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # whether each module on the import path compiles
APP_ONLY = True   # the modules an app service imports
# Its findings stop the service at start-up: a fix that waits for it to be healthy is held.
STOPS_START = True
SAFETY = (Safety.DISPLAY,)

_REASONS = {
    "conflict": "resolve the merge conflict: which side to keep needs a person",
    "python2": "port the module to Python 3",
    "except-list": "write `except E as e:` where it binds the exception (Python 2), and "
                   "`except (A, B):` where it lists types (Python 3.14 accepts them "
                   "without parentheses)",
    "encoding": "save the file as its coding declaration says, or correct the declaration",
    "indentation": "indent the block with spaces alone (or tabs alone), to a level it opens",
    "placement": "move or remove the statement: what it was meant to do needs a person",
    "syntax": "correct the syntax error",
}


def detect(ws: Workspace) -> Iterator[Violation]:
    importers: dict[str, list[tuple[Service, appmodule.AppModule]]] = {}
    problems: dict[str, Unparsable] = {}
    for service in app_services(ws):
        for module, path, problem in unparsable(ws, service):
            problems[path] = problem
            importers.setdefault(path, []).append((service, module))
    for path, problem in problems.items():
        at_start = any(runs_at_start(ws, module, path) for _service, module in importers[path])
        yield _report(path, problem, importers[path], at_start)


def _report(path: str, problem: Unparsable,
            importers: list[tuple[Service, appmodule.AppModule]], at_start: bool) -> Violation:
    names = list(dict.fromkeys(s.name for s, _ in importers))
    service, module = importers[0][0], importers[0][1].module
    cause = f" ({problem.cause})" if problem.cause else ""
    harm = (f"{', '.join(names)} cannot import `{module}` and "
            f"{'stop' if len(names) > 1 else 'stops'} at start-up") if at_start else \
        (f"only an import inside a function of `{module}`'s import path loads it, and "
         "raises where that function runs")
    return Violation(
        message=f"{path} does not compile{cause}: {problem.compiler}; {harm}",
        path=path, line=problem.line, service=service.name, subject=path, starts=not at_start,
        stops=tuple(names),
        reason=_REASONS["except-list" if problem.except_list else problem.kind],
    )

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
accepts is reported then: conflict markers and Python 2 syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.textfile import TextFile
from fixer.facts.image.images import may_run_newer_python
from fixer.model import appmodule
from fixer.model.appservice import app_services
from fixer.model.rule import Category, Safety, Severity, Violation
from fixer.model.services import App, Service
from fixer.model.workspace import Workspace
from fixer.sources.python import compile_problem

CODE = "S004"
NAME = "unparsable-module"
CATEGORY = Category.STRUCTURE
SEVERITY = Severity.ERROR
READS_APP_CODE = True   # whether each module on the import path compiles
# Its findings stop the service at start-up: a fix that waits for it to be healthy is held.
STOPS_START = True
SAFETY = (Safety.DISPLAY,)

# git writes `<<<<<<< ours`, `=======`, `>>>>>>> theirs`; a lone `=======` may be a
# docstring's heading underline
_MARKER = re.compile(r"^(?:<{7}|>{7})(?:[ \t].*)?$", re.M)
# Python 2 syntax that no Python 3 accepts: what the compiler names itself, and what it
# calls "invalid syntax" on the line it rejects (string literals taken out first, so
# that a backtick or `<>` inside one is no evidence)
_PYTHON2_MESSAGES = ("Missing parentheses in call to", "leading zeros in decimal integer")
_PYTHON2 = re.compile(r"\bexcept\s+[\w.]+\s*,\s*\w+\s*:|^\s*raise\s+[\w.]+\s*,|<>|`"
                      r"|\b\d+[lL]\b")
_UNICODE_RAW = re.compile(r"\b[uU][rR][\"']")   # ur"...", before strings are taken out
# PEP 758: Python 3.14 accepts a list of exception types without parentheses when no `as`
# follows (`except A, B:` catches either); 3.13 and older reject it, as Python 2 syntax
_EXCEPT_LIST = re.compile(r"^([ \t]*except\*?[ \t]+)([^:#\n]*,[^:#\n]*?)([ \t]*:)", re.M)
_LAST_WITHOUT_EXCEPT_LISTS = (3, 13)
_STRING = re.compile(r"([\"'])(?:\\.|(?!\1).)*\1")
_REASONS = {
    "conflict": "resolve the merge conflict: which side to keep needs a person",
    "python2": "port the module to Python 3",
    "except-list": "write `except E as e:` where it binds the exception (Python 2), and "
                   "`except (A, B):` where it lists types (Python 3.14 accepts them "
                   "without parentheses)",
    "syntax": "correct the syntax error",
}


@dataclass(frozen=True)
class Unparsable:
    """Why a file does not compile."""

    line: int
    compiler: str     # `SyntaxError: invalid syntax`
    kind: str         # conflict | python2 | syntax
    cause: str = ""   # what in the file causes it, as shown
    except_list: bool = False   # `except A, B:`, which Python 3.14 accepts

    @property
    def universal(self) -> bool:
        """No Python 3 accepts it, whatever version the image runs (an `except A, B:`
        list is weighed before: Python 3.14 accepts it)."""
        return self.kind != "syntax"


def detect(ws: Workspace) -> Iterator[Violation]:
    importers: dict[str, list[tuple[Service, str]]] = {}
    problems: dict[str, Unparsable] = {}
    for service in app_services(ws):
        module = appmodule.find(ws, service)
        if module is None:
            continue
        for path in appmodule.import_path(ws, module):
            file = ws.read(path)
            problem = _rejected(file, service.app) if file is not None else None
            if problem is not None:
                problems[path] = problem
                importers.setdefault(path, []).append((service, module.module))
    for path, problem in problems.items():
        yield _report(path, problem, importers[path])


def _rejected(file: TextFile, app: App) -> Unparsable | None:
    """Why the image's Python rejects the file, as far as fixer's own compiler can tell:
    where the image may run a newer Python, only what no newer one accepts either."""
    problem = _diagnose(file)
    if problem is not None and problem.except_list and \
            may_run_newer_python(app.dockerfile, app.stage, than=_LAST_WITHOUT_EXCEPT_LISTS):
        problem = _past_except_lists(file)   # what else is there, which 3.14 may reject
    if problem is None or problem.universal or \
            not may_run_newer_python(app.dockerfile, app.stage):
        return problem
    return None


# the diagnosis of a file whose exception lists are parenthesized, kept with the file
_PAST_EXCEPT_LISTS: Memo[Unparsable | None] = Memo("S004 diagnosis past `except A, B:`")


def _past_except_lists(file: TextFile) -> Unparsable | None:
    """The file's diagnosis once each `except A, B:` reads `except (A, B):`, as Python 3.14
    reads it: a Python 2 module has more than that (`print "x"`), which stays a finding."""
    def parenthesized(match: re.Match[str]) -> str:
        head, types, colon = match.groups()
        return f"{head}({types}){colon}" if _accepted_list(match) else match[0]
    return file.derived.get(_PAST_EXCEPT_LISTS, lambda: _diagnose(
        file.with_text(_EXCEPT_LIST.sub(parenthesized, file.text))))


def _diagnose(file: TextFile) -> Unparsable | None:
    """None when the file compiles; else where and why the compiler rejects it."""
    problem = compile_problem(file)
    if problem is None:
        return None
    line, message = problem
    marker = _MARKER.search(file.text)
    if marker is not None:   # the compiler may stop later, at the other side's text
        at = file.line_of(marker.start())
        return Unparsable(at, message + (f" at line {line}" if line != at else ""), "conflict",
                          f"merge-conflict marker `{marker.group(0).rstrip()}`")
    lines = file.text.split("\n")
    text = lines[line - 1] if line <= len(lines) else ""
    if _python2(message, text):
        return Unparsable(line, message, "python2", "Python 2 syntax",
                          _accepted_list(_EXCEPT_LIST.match(text)))
    return Unparsable(line, message, "syntax")


def _accepted_list(match: re.Match[str] | None) -> bool:
    """An `except` line with a list of types that PEP 758 accepts: no `as` after it."""
    return match is not None and not re.search(r"\bas\b", match[2])


def _python2(message: str, text: str) -> bool:
    """The compiler's message, or the line it rejects, shows Python 2 syntax."""
    if any(words in message for words in _PYTHON2_MESSAGES) or _UNICODE_RAW.search(text):
        return True
    return bool(_PYTHON2.search(_STRING.sub('""', text)))


def _report(path: str, problem: Unparsable, importers: list[tuple[Service, str]]) -> Violation:
    names = list(dict.fromkeys(s.name for s, _ in importers))
    service, module = importers[0]
    cause = f" ({problem.cause})" if problem.cause else ""
    return Violation(
        message=f"{path} does not compile{cause}: {problem.compiler}; "
                f"{', '.join(names)} cannot import `{module}` and "
                f"{'stop' if len(names) > 1 else 'stops'} at start-up",
        path=path, line=problem.line, service=service.name, subject=path,
        reason=_REASONS["except-list" if problem.except_list else problem.kind],
    )

"""Whether the Python an image runs rejects a module, as far as fixer's own compiler can tell.

fixer compiles with the Python it runs on. Some of what that compiler rejects no Python 3
accepts (merge-conflict markers, Python 2 syntax): the service stops at start-up whatever
its image. The rest (a PEP 701 f-string under an older fixer, `except A, B:` before 3.14) a
newer Python may accept: where the image may run one (`may_run_newer_python`), the module is
only unreadable to fixer, not broken. S004 reports what the image rejects; the rules that
cannot read an app say which of the two stopped them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from fixer.core.derived import Memo
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.facts.image.images import may_run_newer_python
from fixer.model.services import App
from fixer.sources.python import CONFLICT_MARKER, compile_problem, declaration_problem

# Python 2 syntax that no Python 3 accepts: what the compiler names itself, and what it
# calls "invalid syntax" on the line it rejects (string literals taken out first, so
# that a backtick or `<>` inside one is no evidence)
_PYTHON2_MESSAGES = ("Missing parentheses in call to", "leading zeros in decimal integer")
_PYTHON2 = lazy_compile(r"\bexcept\s+[\w.]+\s*,\s*\w+\s*:|^\s*raise\s+[\w.]+\s*,|<>|`"
                        r"|\b\d+[lL]\b")
_UNICODE_RAW = lazy_compile(r"\b[uU][rR][\"']")   # ur"...", before strings are taken out
# PEP 758: Python 3.14 accepts a list of exception types without parentheses when no `as`
# follows (`except A, B:` catches either); 3.13 and older reject it, as Python 2 syntax
_EXCEPT_LIST = lazy_compile(r"^([ \t]*except\*?[ \t]+)([^:#\n]*,[^:#\n]*?)([ \t]*:)", re.M)
_LAST_WITHOUT_EXCEPT_LISTS = (3, 13)
_STRING = lazy_compile(r"([\"'])(?:\\.|(?!\1).)*\1")
# what the tokenizer rejects before any grammar is tried, in every Python 3: tabs and spaces
# mixed in one block, a dedent to no enclosing level (a parser's "unexpected indent" may
# follow syntax of a newer version, and is weighed as syntax)
_LEXICAL_INDENTATION = ("TabError:",
                        "IndentationError: unindent does not match any outer indentation")


# what the compiler refuses past the grammar, as every Python 3 does: a statement where it
# is never allowed (`return` at the top level, a `from __future__` import after code), a
# function's argument named twice
_MISPLACED = lazy_compile(
    r"^SyntaxError: (?:from __future__ imports must occur at the beginning of the file|"
    r"'(?:return|yield|break)' outside (?:function|loop)|'continue' not properly in loop|"
    r"duplicate argument '\w+' in function definition|"
    r"nonlocal declaration not allowed at module level)")


@dataclass(frozen=True)
class Unparsable:
    """Why a file does not compile."""

    line: int
    compiler: str     # `SyntaxError: invalid syntax`
    kind: str         # conflict | python2 | encoding | indentation | placement | syntax
    cause: str = ""   # what in the file causes it, as shown
    except_list: bool = False   # `except A, B:`, which Python 3.14 accepts

    @property
    def universal(self) -> bool:
        """No Python 3 accepts it, whatever version the image runs (an `except A, B:`
        list is weighed before: Python 3.14 accepts it)."""
        return self.kind != "syntax"


def rejected(file: TextFile, app: App) -> Unparsable | None:
    """Why the image's Python rejects the file, as far as fixer's own compiler can tell:
    where the image may run a newer Python, only what no newer one accepts either."""
    problem = diagnose(file)
    if problem is not None and problem.except_list and \
            may_run_newer_python(app.dockerfile, app.stage, _LAST_WITHOUT_EXCEPT_LISTS,
                                 app.args):
        problem = _past_except_lists(file)   # what else is there, which 3.14 may reject
    if problem is None or problem.universal or \
            not may_run_newer_python(app.dockerfile, app.stage, build_args=app.args):
        return problem
    return None


# the diagnosis of a file whose exception lists are parenthesized, kept with the file
_PAST_EXCEPT_LISTS: Memo[Unparsable | None] = Memo("compile diagnosis past `except A, B:`")


def _past_except_lists(file: TextFile) -> Unparsable | None:
    """The file's diagnosis once each `except A, B:` reads `except (A, B):`, as Python 3.14
    reads it: a Python 2 module has more than that (`print "x"`), which stays a finding."""
    def parenthesized(match: re.Match[str]) -> str:
        head, types, colon = match.groups()
        return f"{head}({types}){colon}" if _accepted_list(match) else match[0]
    return file.derived.get(_PAST_EXCEPT_LISTS, lambda: diagnose(
        file.with_text(_EXCEPT_LIST.sub(parenthesized, file.text))))


def diagnose(file: TextFile) -> Unparsable | None:
    """None when the file compiles; else where and why the compiler rejects it."""
    problem = compile_problem(file)
    if problem is None:
        return None
    line, message = problem
    if declaration_problem(file) is not None:   # every Python 3 refuses it so
        return Unparsable(line, message, "encoding", "its coding declaration")
    marker = CONFLICT_MARKER.search(file.text)
    if marker is not None:   # the compiler may stop later, at the other side's text
        at = file.line_of(marker.start())
        return Unparsable(at, message + (f" at line {line}" if line != at else ""), "conflict",
                          f"merge-conflict marker `{marker.group(0).rstrip()}`")
    lines = file.text.split("\n")
    text = lines[line - 1] if line <= len(lines) else ""
    if _python2(message, text):
        return Unparsable(line, message, "python2", "Python 2 syntax",
                          _accepted_list(_EXCEPT_LIST.match(text)))
    if message.startswith(_LEXICAL_INDENTATION):
        return Unparsable(line, message, "indentation", "its indentation")
    if _MISPLACED.search(message):
        return Unparsable(line, message, "placement")   # the message says what and where
    return Unparsable(line, message, "syntax")


def _accepted_list(match: re.Match[str] | None) -> bool:
    """An `except` line with a list of types that PEP 758 accepts: no `as` after it."""
    return match is not None and not re.search(r"\bas\b", match[2])


def _python2(message: str, text: str) -> bool:
    """The compiler's message, or the line it rejects, shows Python 2 syntax."""
    if any(words in message for words in _PYTHON2_MESSAGES) or _UNICODE_RAW.search(text):
        return True
    return bool(_PYTHON2.search(_STRING.sub('""', text)))


class Unreadable(NamedTuple):
    """A module fixer's compiler rejects, on an import path."""

    clause: str      # `path:line does not compile (why)`, or why fixer alone cannot read it
    stops_start: bool   # the image's Python rejects it too: the service never starts


def first_unreadable(read: Callable[[str], TextFile | None], paths: Iterable[str],
                     app: App) -> Unreadable | None:
    """The first of the files fixer's compiler rejects: `path:line does not compile (why)`
    when the image's Python rejects it too, else that fixer's own Python cannot read it
    (the image's newer one may). On an import path, that module hides the app and its
    imports from fixer."""
    for path in paths:
        file = read(path)
        problem = compile_problem(file) if file is not None else None
        if file is None or problem is None:
            continue
        where = f"{path}:{problem.line}"
        if rejected(file, app) is not None:
            return Unreadable(f"{where} does not compile ({problem.message})", True)
        said = problem.unread(path, file.text)
        if not said.startswith("fixer's"):   # no Python reads it (an IndentationError)
            return Unreadable(said, True)
        return Unreadable(f"{said}, which the image's newer Python may accept", False)
    return None

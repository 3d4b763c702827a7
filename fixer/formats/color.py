"""Terminal niceties: colour and a progress bar, only where a person is watching.

Colour is on when the stream is a terminal, NO_COLOR is not set (any value turns it off, as
no-color.org asks) and --no-color was not given. Text written to a pipe or a file is not
coloured, so scripts and golden files see the plain bytes, unless FORCE_COLOR is set to a
value other than "0" (force-color.org; CI logs show colour that way); --no-color and NO_COLOR
still win over it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from fixer.core.lazyre import lazy_compile

import click

_META_KEY = "fixer.no_color"
PROGRESS_MIN_SERVICES = 50   # more services than this: show a progress bar on a terminal
_FINDING = lazy_compile(r"^(.*?:\d+:\d+: )([A-Z]+\d+)(?: \[(error|warning)\])?( .*)?$", re.S)
# An error breaks the stack and a warning does not (`fixer.model.rule.Severity`): red and yellow.
_SEVERITY_COLOR = {"error": "red", "warning": "yellow"}


def _no_color_flag(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[_META_KEY] = True


def no_color_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """`--no-color` on a command; read back by enabled(), so no command signature changes."""
    return click.option("--no-color", is_flag=True, expose_value=False, is_eager=True,
                        callback=_no_color_flag, help="Never colour the output.")(function)


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or exotic stream
        return False


def forced() -> bool:
    return os.environ.get("FORCE_COLOR", "") not in ("", "0") and "NO_COLOR" not in os.environ


def enabled(stream: TextIO | None = None) -> bool:
    if "NO_COLOR" in os.environ:
        return False
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(_META_KEY):
        return False
    return forced() or isatty(stream if stream is not None else sys.stdout)


def finding(line: str) -> str:
    """`path:line:col: CODE [severity] message` with the place in bold and the code and its
    severity in the severity's colour (bold red for an error, bold yellow for a warning)."""
    return styled_finding(line) if enabled() else line


def styled_finding(line: str) -> str:
    """`finding`, coloured whether or not colour is `enabled()`: for a caller that asked
    once for a whole report (thousands of lines)."""
    match = _FINDING.match(line)
    if match is None:
        return line
    where, code, severity, rest = match.groups(default="")
    fg = _SEVERITY_COLOR.get(severity, "red")
    tag = " " + click.style(f"[{severity}]", fg=fg) if severity else ""
    return click.style(where, bold=True) + click.style(code, bold=True, fg=fg) + tag + rest


_HEADERS = ("diff --git", "--- ", "+++ ", "new file mode", "deleted file mode", "index ",
            "old mode", "new mode", "similarity", "rename ", "Binary files")


def _diff_line(line: str, in_header: bool) -> str:
    if in_header and line.startswith(_HEADERS):
        return click.style(line, bold=True)
    if line.startswith("@@"):
        return click.style(line, fg="cyan")
    if line.startswith("+"):
        return click.style(line, fg="green")
    if line.startswith("-"):
        return click.style(line, fg="red")
    return line


def diff(text: str) -> str:
    """A unified diff, coloured when stdout is a terminal; line endings kept as they are.
    File headers (from `diff --git` to the first hunk) are bold, so a removed line that
    reads `--- x` is still red."""
    if not text or not enabled():
        return text
    out, in_header = [], False
    for line in text.split("\n"):  # "\n" only: a form feed inside a line is content
        body = line.removesuffix("\r")
        if body.startswith("diff --git"):
            in_header = True
        elif body.startswith("@@"):
            in_header = False
        out.append(_diff_line(body, in_header) + line[len(body):])
    return "\n".join(out)


@contextmanager
def progress(total: int, services: int, label: str) -> Iterator[Callable[[], None]]:
    """A step of `total`, to call as each ends: shown as a progress bar on stderr when the run
    is large and stderr is a terminal; else nothing is printed."""
    if services <= PROGRESS_MIN_SERVICES or not isatty(sys.stderr):
        yield lambda: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr,
                           show_eta=False, show_percent=True) as bar:
        yield lambda: bar.update(1)

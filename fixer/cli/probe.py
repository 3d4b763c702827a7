"""`fixer probe`: call the health route of each app service of the running stack.

The probe modules (and urllib) are imported when the command runs, so that the other
commands do not pay for them."""

from __future__ import annotations

import posixpath
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fixer.app import configfile
from fixer.app.probe import REQUEST_TIMEOUT, WAIT_TIMEOUT
from fixer.cli.shared import EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, echo_err, root_folder
from fixer.core.lazyre import lazy_compile
from fixer.core.tree import FolderSource, Tree
from fixer.formats.color import isatty
from fixer.formats.findings import error_lines
from fixer.model.workspace import Workspace

if TYPE_CHECKING:
    from fixer.app.probe.http import Result
    from fixer.app.probe.plan import Target

_HOST = lazy_compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")  # a name or an IPv4 address
_IPV6 = lazy_compile(r"[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")


def _host(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A host name or address as a URL writes it (an IPv6 address in brackets); anything
    else is refused, since it is written into URLs and into the emitted script."""
    if value is None or _HOST.fullmatch(value):
        return value
    if _IPV6.fullmatch(value.strip("[]")):
        return f"[{value.strip('[]')}]"
    raise click.BadParameter(f"{value!r} is not a host name or address")


@click.command("probe")
@click.argument("path", default=".")
@click.option("--stack", "stack_file", metavar="FILE",
              help="A compose file of the stack to probe (default: the one in PATH).")
@click.option("--host", metavar="HOST", callback=_host,
              help="The host the stack publishes its ports on (default: 127.0.0.1, or the "
                   "address a `ports` entry binds).")
@click.option("--timeout", metavar="SECONDS", type=click.FloatRange(min=0, min_open=True),
              help=f"Seconds: per request (default {REQUEST_TIMEOUT:g}); with --wait or "
                   f"--emit sh, for the whole stack (default {WAIT_TIMEOUT:g}).")
@click.option("--wait", is_flag=True,
              help="Retry each service until it is healthy or the timeout passes.")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]))
@click.option("--emit", type=click.Choice(["sh"]),
              help="Print the checks as a POSIX shell script (curl) instead of running them.")
def probe_command(path: str, stack_file: str | None, host: str | None, timeout: float | None,
                  wait: bool, fmt: str, emit: str | None) -> int:
    """Call each app service's health route on the host (after `docker compose up -d`).

    One line per app service: URL, HTTP status, latency, verdict. Services that publish
    no port are listed with the reason. Exit 0 when every probed one answers 2xx, 1 when
    one does not, 2 when there is nothing to probe.
    """
    from fixer.app.probe.http import Result, all_healthy, probe_all, wait_healthy
    planned = _plan(path, stack_file)
    if planned is None:
        return EXIT_ERROR
    stack, targets = planned
    if not any(t.reachable for t in targets):
        if emit is None:  # the reasons, each on its line; stdout is not a script then
            _show(fmt, stack, [Result(t, detail=t.reason) for t in targets], summary=False)
        echo_err(f"{path}: no app service of {stack} publishes its port to the host: "
                 "nothing to probe")
        return EXIT_ERROR
    if emit == "sh":
        from fixer.app.probe.script import shell_script
        click.echo(shell_script(stack, targets, timeout or WAIT_TIMEOUT, host), nl=False)
        return EXIT_CLEAN
    if wait:
        results = wait_healthy(targets, host, timeout or WAIT_TIMEOUT, _live_status())
    else:
        results = probe_all(targets, host, timeout or REQUEST_TIMEOUT)
    _show(fmt, stack, results)
    return EXIT_CLEAN if all_healthy(results) else EXIT_FOUND


def _plan(path: str, stack_file: str | None) -> tuple[str, list[Target]] | None:
    """(stack name, targets), or None once the reason nothing can be probed is said."""
    from fixer.app.probe.plan import ProbeError, choose_stack, targets
    root = root_folder(path)
    config = configfile.settings(root, path).config
    ws = Workspace.load(Tree(FolderSource(root, config.max_file_size)), config)
    for line in error_lines(ws.errors, path):
        echo_err(line)
    try:
        stack = choose_stack(ws, _relative(root, stack_file))
        return stack.name, targets(ws, stack)
    except ProbeError as exc:
        echo_err(f"{path}: {exc}")
        return None


def _relative(root: Path, stack_file: str | None) -> str | None:
    """--stack as the POSIX path inside the root that the workspace names files by."""
    if stack_file is None:
        return None
    given = Path(stack_file)
    if given.is_absolute() or given.exists():
        try:
            return given.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return stack_file  # outside the root: reported as matching no stack
    return posixpath.normpath(given.as_posix())


def _show(fmt: str, stack: str, results: Sequence[Result], summary: bool = True) -> None:
    from fixer.app.probe import render
    if fmt == "json":
        click.echo(render.document(stack, results), nl=False)
        return
    for line in render.lines(results):
        click.echo(line)
    if summary:
        echo_err(render.summary(results))


def _live_status() -> Callable[[list[Result], float], None]:
    """A status line rewritten in place on a terminal; nothing in a pipe or a CI log."""
    from fixer.app.probe import render
    from fixer.app.probe.http import all_healthy
    if not isatty(sys.stderr):
        return lambda _results, _left: None
    width = [0]

    def show(results: list[Result], left: float) -> None:
        text = render.status_line(results, left)
        click.echo("\r" + text.ljust(width[0]), err=True, nl=False)
        width[0] = max(width[0], len(text))
        if all_healthy(results) or left <= 0:
            click.echo("\r" + " " * width[0] + "\r", err=True, nl=False)  # clear it
    return show

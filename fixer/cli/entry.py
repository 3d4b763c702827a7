"""The `fixer` command group, `main(argv) -> int` and the process `run()`."""

from __future__ import annotations

import contextlib
import gc
import importlib
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

import click

from fixer.cli.shared import EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED, UsageProblem
from fixer.core.errors import BudgetExceeded
from fixer.formats import color


# name -> the module and attribute of its click command, in the order `--help` lists them
COMMANDS = {
    "check": ("fixer.cli.check", "check"),
    "fix": ("fixer.cli.fix", "fix"),
    "rules": ("fixer.cli.rules", "rules_command"),
    "explain": ("fixer.cli.rules", "explain"),
    "report": ("fixer.cli.report", "report_command"),
    "probe": ("fixer.cli.probe", "probe_command"),
}


class _Commands(click.Group):
    """Imports a command's module only when it runs: `fixer check` on a small repository
    spent most of its time importing what `fix`, `report` and `probe` use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fixer")
def cli() -> None:
    """Find and fix what breaks the deployment of containerized FastAPI services."""


class _Interrupted(BaseException):
    """SIGINT while a command runs. Not a KeyboardInterrupt: click would catch that, print
    a blank line and turn it into an Abort; no `except Exception` stops it either."""


@contextlib.contextmanager
def _sigint_raises() -> Iterator[None]:
    """While active, SIGINT raises _Interrupted (main thread only, where handlers can be
    set; the write phase of --apply sets its own and puts this one back)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:   # started in the background: Ctrl-C is not ours
        yield
        return

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise _Interrupted

    signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        with _sigint_raises():
            return _main(argv)
    except (_Interrupted, KeyboardInterrupt):
        click.echo("fixer: interrupted", err=True)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    try:
        # click.echo strips colour from a stream that is not a terminal unless told not to
        result = cli.main(args=list(argv) if argv is not None else None,
                          prog_name="fixer", standalone_mode=False,
                          color=True if color.forced() else None)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except BudgetExceeded as exc:
        click.echo(f"fixer: {exc}", err=True)
        return EXIT_ERROR
    except UsageProblem as exc:
        # a request fixer refuses once the flags are read (a path that is no folder, an
        # unknown rule code): one line, as the other errors fixer names, not click's usage
        # banner, which says nothing about what is wrong
        click.echo(f"fixer: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN


def run() -> None:
    """The `fixer` process (`python -m fixer.cli`, and the console script through
    fixer.__main__). It runs without the cyclic garbage collector (fixer/core/collector.py):
    a command ends with its process, and once a run had restored the collector, one
    collection while the report was written walked every object the run kept, about 0.8 s
    on 1,000 services.

    Its objects are frozen before it exits: CPython collects once more as it shuts down, off
    or not, and walking what a run kept took 0.4 s after a 1,000-service check and 0.5 s
    after a fix. Frozen objects are left out of that collection; their memory goes back with
    the process, as it would have anyway."""
    gc.disable()
    code = main()
    gc.freeze()
    sys.exit(code)

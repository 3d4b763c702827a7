"""The `fixer` command group, `main(argv) -> int` and the console script `run()`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from fixer.cli.check import check
from fixer.cli.fix import fix
from fixer.cli.probe import probe_command
from fixer.cli.report import report_command
from fixer.cli.rules import explain, rules_command
from fixer.cli.shared import EXIT_CLEAN, EXIT_ERROR
from fixer.formats import color


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fixer")
def cli() -> None:
    """Find and fix what breaks the deployment of containerized FastAPI services."""


for command in (check, fix, rules_command, explain, report_command, probe_command):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # click.echo strips colour from a stream that is not a terminal unless told not to
        result = cli.main(args=list(argv) if argv is not None else None,
                          prog_name="fixer", standalone_mode=False,
                          color=True if color.forced() else None)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except click.Abort:
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN


def run() -> None:
    sys.exit(main())

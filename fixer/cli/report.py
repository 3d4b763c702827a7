"""`fixer report`: the markdown audit report of a tree, before or after the fixes."""

from __future__ import annotations

from pathlib import Path

import click

from fixer.app import nocompose
from fixer.app.check import Options, RequestError, gitignore_readable, prepare
from fixer.cli.shared import (
    EXIT_CLEAN,
    EXIT_ERROR,
    UsageProblem,
    catalogue,
    config_option,
    echo_err,
    gitignore_option,
    ignore_option,
    root_folder,
    select_option,
)
from fixer.core.config import PORT_SOURCES
from fixer.core.errors import input_errors
from fixer.core.tree import FolderSource, Tree
from fixer.model.stacks import is_compose_name


@click.command("report")
@click.argument("path", default=".")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of stdout.")
@click.option("--after", is_flag=True, help="Report on the tree as `fixer fix` would leave it.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
              help="With --after: apply unsafe fixes too.")
@select_option
@ignore_option
@click.option("--port-source", type=click.Choice(PORT_SOURCES))
@click.option("--healthcheck-strategy", type=click.Choice(["auto", "install", "python"]))
@config_option
@gitignore_option
def report_command(path: str, output: Path | None, after: bool, unsafe_fixes: bool | None,
                   select: str | None, ignore: str | None, port_source: str | None,
                   healthcheck_strategy: str | None, config_file: str | None,
                   respect_gitignore: bool) -> int:
    """Write the markdown audit report (exit 0: a report is not a check; 2 when input
    could not be read, which the report lists under "Input Errors", and when PATH has no
    compose file, which writes no report)."""
    from fixer.app.report import audit_report
    root = root_folder(path)
    options = Options(select=select, ignore=ignore, unsafe_fixes=unsafe_fixes,
                      port_source=port_source, healthcheck_strategy=healthcheck_strategy,
                      config=config_file)
    try:   # the rules and settings `check` and `fix` would run with, on the same files
        settings, rules = prepare(root, path, options, catalogue())
        gitignore_readable(root, respect_gitignore)
    except RequestError as exc:
        raise UsageProblem(str(exc)) from None
    tree = Tree(FolderSource(root, settings.config.max_file_size, respect_gitignore))
    missing = nocompose.error_in(tree, settings.config, root, path)
    if missing is not None:   # an audit of no service is no report, but a wrong path
        echo_err(missing.message)
        return EXIT_ERROR
    # walked only when nothing was read: as `check` says it, nothing of a template was
    template = nocompose.template_only(root) \
        if not any(is_compose_name(p) for p in tree.paths()) else None
    if template is not None:
        echo_err(nocompose.template_warning(path, template))
    audit = audit_report(tree, rules, settings.config, after)
    if output is None:
        click.echo(audit.text, nl=False)
    else:
        output.write_text(audit.text, encoding="utf-8")
    return EXIT_ERROR if input_errors(audit.errors) else EXIT_CLEAN

"""`fixer check`: report findings in a format of choice; write nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import click

from fixer.app.check import Checked, CheckRequest, Options, RequestError
from fixer.app.check import run as run_check
from fixer.cli.shared import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    UsageProblem,
    catalogue,
    echo_err,
    ignore_option,
    plural,
    root_folder,
    select_option,
    verbose_option,
)
from fixer.core.config import PORT_SOURCES
from fixer.core.errors import InputError, crashes, input_errors
from fixer.formats import color, github, sarif
from fixer.formats.findings import error_lines, json_document, text_lines
from fixer.model.rule import Finding, Rule, Safety, Severity


@click.command()
@click.argument("path", default=".")
@click.option("--format", "fmt", default="text",
              type=click.Choice(["text", "json", "markdown", "sarif", "github"]))
@select_option
@ignore_option
@click.option("--severity", type=click.Choice([s.value for s in Severity]),
              help="Report only findings this severe or more (default: warning, everything).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--port-source", type=click.Choice(PORT_SOURCES))
@click.option("--healthcheck-strategy", type=click.Choice(["install", "python"]))
@click.option("--show-unused-suppressions", is_flag=True,
              help="Report `# fixer: ignore[...]` comments that suppress nothing.")
@color.no_color_option
@verbose_option
@click.option("--diff-filter", metavar="DIFF",
              help="Only findings on lines/files this unified diff adds (a file, or - for stdin).")
def check(path: str, fmt: str, select: str | None, ignore: str | None, severity: str | None,
          exit_zero: bool, port_source: str | None, healthcheck_strategy: str | None,
          diff_filter: str | None, show_unused_suppressions: bool, verbose: bool) -> int:
    """Report findings; write nothing."""
    options = Options(select=select, ignore=ignore, port_source=port_source,
                      severity=severity, healthcheck_strategy=healthcheck_strategy)
    request = CheckRequest(root_folder(path), catalogue(), path, options, diff_filter,
                           fix_run=fmt == "markdown",
                           unused_suppressions=show_unused_suppressions)
    try:
        checked = run_check(request, _progress_bar)
    except RequestError as exc:
        raise UsageProblem(str(exc)) from None
    _show(checked, fmt, path, verbose)
    unused = [u.line(path) for u in checked.unused]
    for line in unused:
        click.echo(line, err=fmt != "text")
    if checked.errors:
        return EXIT_ERROR
    return EXIT_FOUND if (checked.findings or unused) and not exit_zero else EXIT_CLEAN


def _progress_bar(rules: Sequence[Rule], services: int) -> AbstractContextManager[Iterable[Rule]]:
    return color.progress(rules, services, "Checking")


def _show(checked: Checked, fmt: str, path: str, verbose: bool) -> None:
    """The findings and errors in the format asked for (text: the summary on stderr too)."""
    ws, findings, errors = checked.workspace, checked.findings, checked.errors
    if fmt == "json":
        click.echo(json_document(findings, errors), nl=False)
    elif fmt == "markdown":
        from fixer.formats.report import markdown_report
        click.echo(markdown_report(ws, findings, checked.rules, errors,
                                   fixed_later=checked.fixed_later), nl=False)
    elif fmt == "sarif":
        click.echo(sarif.document(ws, findings, checked.rules, Path(path), errors), nl=False)
    elif fmt == "github":
        for line in github.lines(findings, errors, path):
            click.echo(line)
    else:
        _show_text(checked, path, verbose)


def _show_text(checked: Checked, path: str, verbose: bool) -> None:
    for line in text_lines(checked.findings, path):
        click.echo(color.finding(line))
    for line in error_lines(checked.errors, path, verbose):
        echo_err(line)
    # no compose file and no error: a wrong path, not a clean repository
    if not checked.workspace.compose_docs and not checked.errors:
        echo_err(f"No compose file found in {path}: nothing was checked.")
    else:
        echo_err(_check_summary(checked.findings, checked.errors, len(checked.suppressed))
                 + _below_threshold(checked.hidden, checked.severity))


def _below_threshold(hidden: int, threshold: Severity) -> str:
    if not hidden:
        return ""
    return f" {plural(hidden, 'finding')} below --severity {threshold.value} not shown."


def _by_severity(findings: Sequence[Finding]) -> str:
    """`: 1 error, 2 warnings`: how many of each severity, the most severe first."""
    counts = [(s, sum(1 for f in findings if f.rule.severity is s))
              for s in sorted(Severity, key=lambda s: s.rank)]
    return ": " + ", ".join(plural(n, s.value) for s, n in counts if n)


def _check_summary(findings: Sequence[Finding], errors: Sequence[InputError] = (),
                   suppressed: int = 0) -> str:
    hidden = f" {suppressed} suppressed." if suppressed else ""
    if not findings and not errors:
        return "All checks passed." + hidden
    safe = sum(1 for f in findings if f.safety is Safety.SAFE)
    unsafe = sum(1 for f in findings if f.safety is Safety.UNSAFE)
    parts = [f"{safe} fixable with `fixer fix`"] if safe else []
    parts += [f"{unsafe} more with `--unsafe-fixes`"] if unsafe else []
    # display-only until other fixes of the same `fixer fix` are in: not a person's job
    waiting = sum(1 for f in findings if f.violation.waits and not f.fixable)
    parts += [f"{waiting} once the fixes they wait on are in"] if waiting else []
    manual = len(findings) - safe - unsafe - waiting
    parts += [f"{manual} to fix by hand"] if manual else []
    found = f"Found {plural(len(findings), 'finding')}{_by_severity(findings)}" if findings \
        else "No findings"
    text = found + (f" ({', '.join(parts)})" if parts else "")
    return text + _errors_part(errors) + hidden


def _errors_part(errors: Sequence[InputError]) -> str:
    """`; 1 error in the input, 1 rule crashed (a bug in fixer).`: the two kinds apart."""
    inputs, crashed = len(input_errors(errors)), len(crashes(errors))
    parts = [f"{plural(inputs, 'error')} in the input"] if inputs else []
    parts += [f"{plural(crashed, 'rule')} crashed (a bug in fixer)"] if crashed else []
    return "; " + ", ".join(parts) + "." if parts else "."

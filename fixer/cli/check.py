"""`fixer check`: report findings in a format of choice; write nothing (but the report or
the baseline a flag names)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import click

from fixer.app import baseline, nocompose
from fixer.app.check import (
    Checked, CheckRequest, Folder, Merged, Options, RequestError, merged, unchecked_apps,
    unread_builds)
from fixer.app.check import run as run_check
from fixer.cli.shared import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    UsageProblem,
    catalogue,
    config_option,
    echo_err,
    extend_select_option,
    gitignore_option,
    ignore_option,
    plural,
    root_folder,
    select_option,
    verbose_option,
)
from fixer.core.config import PORT_SOURCES
from fixer.core.errors import InputError, NoComposeFile, crashes, input_errors
from fixer.core import wording
from fixer.core.tree import place_in_work_tree
from fixer.engine.suppress import Unused
# the other formats' modules are imported when asked for: a text report needs none of
# them, and junit's XML alone cost a few ms of every check
from fixer.formats import color
from fixer.formats.findings import (
    LATER_SAFE,
    LATER_SETTLED,
    LATER_UNSAFE,
    error_lines,
    fixed_later,
    json_document,
    moved,
    moved_error,
    statistics,
    statistics_lines,
    text_lines,
)
from fixer.model.rule import Finding, Safety, Severity

FORMATS = ["text", "json", "markdown", "sarif", "github", "gitlab", "junit"]
# Formats whose report lists the unused suppressions (--show-unused-suppressions) itself
_UNUSED_IN_REPORT = ("text", "json", "sarif")
# Formats that describe one repository as a whole (the audit, with its scores)
ONE_FOLDER_FORMATS = ("markdown",)
@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--format", "fmt", default="text", type=click.Choice(FORMATS))
@select_option
@extend_select_option
@ignore_option
@click.option("--severity", type=click.Choice([s.value for s in Severity]),
              help="Report only findings this severe or more (default: warning, everything).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--port-source", type=click.Choice(PORT_SOURCES))
@click.option("--healthcheck-strategy", type=click.Choice(["auto", "install", "python"]))
@click.option("--show-unused-suppressions", is_flag=True,
              help="Report `# fixer: ignore[...]` comments that suppress nothing.")
@click.option("--statistics", is_flag=True,
              help="Count the findings of each rule instead of listing them (text or json).")
@click.option("-q", "--quiet", is_flag=True, help="Findings only: no summary line.")
@config_option
@gitignore_option
@color.no_color_option
@verbose_option
@click.option("--output-file", metavar="FILE",
              help="Write the report to FILE instead of stdout (its folder must exist).")
@click.option("--baseline", "baseline_file", metavar="FILE",
              help="Leave out the findings this baseline holds (--write-baseline wrote it).")
@click.option("--baseline-if-exists", metavar="FILE",
              help="As --baseline when FILE exists; else check without a baseline.")
@click.option("--write-baseline", metavar="FILE",
              help="Write the findings' fingerprints to FILE as a baseline and exit 0.")
@click.option("--diff-filter", metavar="DIFF",
              help="Only findings whose line, or a line they depend on, this unified diff "
                   "touches (a file, or - for stdin).")
def check(paths: tuple[str, ...], fmt: str, select: str | None, extend_select: str | None,
          ignore: str | None, severity: str | None, exit_zero: bool, port_source: str | None,
          healthcheck_strategy: str | None, diff_filter: str | None,
          show_unused_suppressions: bool, statistics: bool, quiet: bool, verbose: bool,
          output_file: str | None, baseline_file: str | None, baseline_if_exists: str | None,
          write_baseline: str | None, config_file: str | None, respect_gitignore: bool) -> int:
    """Report findings; write nothing. Each PATH (default .) is checked as a repository
    of its own, and their findings are reported together.

    Exit 0 when nothing is found (at or above --severity), or with --exit-zero; 1 on
    findings (and on the unused suppressions --show-unused-suppressions lists); 2 on an
    error (bad usage, unreadable input, no compose file)."""
    shown = list(paths) or ["."]
    _refuse(shown, fmt, statistics, diff_filter, output_file, write_baseline)
    known = _baseline(baseline_file, baseline_if_exists, write_baseline)
    options = Options(select=select, ignore=ignore, extend_select=extend_select,
                      port_source=port_source, severity=severity,
                      healthcheck_strategy=healthcheck_strategy, config=config_file,
                      respect_gitignore=respect_gitignore)
    report = merged([(path, _checked(CheckRequest(
        root_folder(path), catalogue(), path, options, diff_filter, fix_run=fmt == "markdown",
        edits_shown=fmt == "sarif",
        unused_suppressions=show_unused_suppressions))) for path in shown], known)
    for warning in report.warnings:   # a configuration that turns nothing off: no error
        echo_err(warning)
    if write_baseline is not None:
        return _write_baseline(report, write_baseline)
    if verbose:
        _say_config(report)
    unused = [u.line(f.shown) for f in report.folders for u in f.checked.unused]
    text = _render(report, fmt, statistics, verbose, colour=output_file is None,
                   unused=show_unused_suppressions)
    if fmt == "text":   # a comment that suppresses nothing is reported as a finding is
        text += "".join(f"{line}\n" for line in unused)
    _emit(text, output_file)
    # the formats with no place for them (and --statistics) name them beside the report
    for line in unused if fmt not in _UNUSED_IN_REPORT or statistics else []:
        echo_err(line)
    templates = _templates_only(report)
    if fmt == "text":
        _summary(report, quiet, templates)
    else:   # stdout holds the format; the warnings go beside it
        for folder, template in templates:
            echo_err(nocompose.template_warning(folder.shown, template))
    for missing in _no_compose_files(report) if fmt != "text" or statistics else []:
        echo_err(missing.message)   # where no error lines said it
    # a folder with no compose file is a wrong path, not clean (one of the errors); a project
    # template's repository, whose compose files are all Jinja, has nothing to check
    if report.errors:
        return EXIT_ERROR
    return EXIT_FOUND if (report.findings or unused) and not exit_zero else EXIT_CLEAN


def _say_config(report: Merged) -> None:
    """-v: the configuration file in force when it is not the checked folder's own, each
    file once (several PATHs may share the one above them)."""
    for shown in dict.fromkeys(f.checked.config_elsewhere for f in report.folders):
        if shown is not None:
            echo_err(f"config: {shown}")


def _refuse(paths: Sequence[str], fmt: str, statistics: bool, diff_filter: str | None,
            output_file: str | None, write_baseline: str | None) -> None:
    """Flags that cannot go together, told before anything runs."""
    # --write-baseline writes the baseline and no report: a report asked for beside it would
    # be missing without a word (a CI step uploads a SARIF file that was never written)
    if write_baseline is not None and (output_file is not None or fmt != "text"):
        asked = "--output-file" if output_file is not None else f"--format {fmt}"
        raise UsageProblem(f"--write-baseline and {asked} do not go together")
    if len(paths) > 1 and fmt in ONE_FOLDER_FORMATS:
        raise UsageProblem(f"--format {fmt} takes one PATH")
    if len(paths) > 1 and diff_filter is not None:
        raise UsageProblem("--diff-filter takes one PATH")
    if statistics and fmt not in ("text", "json"):
        raise UsageProblem("--statistics prints text or json")
    if output_file is not None and not Path(output_file).parent.is_dir():
        raise UsageProblem(f"{output_file}: no such folder")


def _baseline(file: str | None, if_exists: str | None,
              write: str | None) -> frozenset[str]:
    """The fingerprints to leave out: none without a baseline (or when --baseline-if-exists
    names a file that is not there)."""
    if write is not None and (file or if_exists):
        raise UsageProblem("--write-baseline and --baseline do not go together")
    if file is None and if_exists is not None and Path(if_exists).exists():
        file = if_exists
    if file is None:
        return frozenset()
    try:
        return baseline.load(Path(file), file)
    except baseline.BaselineError as exc:
        raise UsageProblem(str(exc)) from None


def _checked(request: CheckRequest) -> Checked:
    try:
        return run_check(request, _progress_bar)
    except RequestError as exc:
        raise UsageProblem(str(exc)) from None


def _write_baseline(report: Merged, file: str) -> int:
    try:
        baseline.write(Path(file), file, report.findings)
    except baseline.BaselineError as exc:
        raise UsageProblem(str(exc)) from None
    for line in error_lines(report.errors, report.prefix):
        echo_err(line)
    echo_err(f"Wrote {plural(len({f.fingerprint for f in report.findings}), 'finding')}"
             f" to the baseline {file}.")
    # A file fixer could not read may hide findings the baseline should hold
    return EXIT_ERROR if report.errors else EXIT_CLEAN


def _progress_bar(rules: int, services: int) -> AbstractContextManager[Callable[[], None]]:
    return color.progress(rules, services, "Checking")


def _emit(text: str, output_file: str | None) -> None:
    """The report on stdout, or in the file (created or replaced) with nothing on stdout."""
    if output_file is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output_file).write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise UsageProblem(f"{output_file}: cannot write: {exc.strerror or exc}") from None


def _render(report: Merged, fmt: str, statistics_only: bool, verbose: bool,
            colour: bool, unused: bool = False) -> str:
    """The report in the format asked for (text: the errors go to stderr). `unused`: the
    JSON and SARIF documents list the unused suppressions (the text lines are the
    caller's)."""
    findings, errors, prefix = report.findings, report.errors, report.prefix
    if statistics_only:
        return _statistics(findings, fmt)
    if fmt == "json":
        return json_document(findings, errors, _unused(report) if unused else None)
    if fmt == "markdown":
        from fixer.formats.report import markdown_report
        checked = report.folders[0].checked
        return markdown_report(checked.workspace, checked.findings, checked.rules, errors,
                               fixed_later=checked.fixed_later)
    if fmt == "sarif":
        return _sarif(report)
    if fmt == "gitlab":
        from fixer.formats import gitlab
        return gitlab.document([gitlab.issues(f.findings, f.checked.errors,
                                              _from_repository_root(f.shown))
                                for f in report.folders])
    if fmt == "junit":
        from fixer.formats import junit
        return junit.document(*_at_repository_root(report), "")
    if fmt == "github":
        from fixer.formats import github
        lines = github.lines(*_at_repository_root(report), "")
        return "".join(line + "\n" for line in lines)
    for line in error_lines(errors, prefix, verbose):
        echo_err(line)
    lines = text_lines(findings, prefix)
    if colour and color.enabled():   # asked once, not for each of thousands of lines
        lines = [color.styled_finding(line) for line in lines]
    return "".join(line + "\n" for line in lines)


def _unused(report: Merged) -> list[tuple[str, Unused]]:
    """Each folder's unused suppressions, with the prefix their paths take as its findings'
    do (`merged`): none for one folder, the folder as typed for several."""
    single = len(report.folders) == 1
    return [("." if single else f.shown, u) for f in report.folders for u in f.checked.unused]


def _from_repository_root(shown: str) -> str:
    """The folder's path from the root of its git repository, where GitLab and GitHub look
    for files (whatever the current folder is); outside a repository, the folder as typed."""
    place = place_in_work_tree(Path(shown))
    return shown if place is None else place[1]


def _at_repository_root(report: Merged) -> tuple[list[Finding], list[InputError]]:
    """Each folder's findings and errors at their paths from the root of its git repository
    (as typed outside one): a workflow annotation's `file=` is resolved from there, as
    SARIF's paths are, not from the folder `working-directory` names."""
    findings: list[Finding] = []
    errors: list[InputError] = []
    for folder in report.folders:
        prefix = _from_repository_root(folder.shown)
        findings += [moved(f, prefix) for f in folder.findings]
        errors += [moved_error(e, prefix) for e in folder.checked.errors]
    return findings, errors


def _statistics(findings: Sequence[Finding], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(statistics(findings), indent=2) + "\n"
    return "".join(line + "\n" for line in statistics_lines(findings))


def _sarif(report: Merged) -> str:
    """One SARIF run per folder: each has its own repository root and its own fixes."""
    from fixer.formats import sarif
    several = len(report.folders) > 1
    texts = [sarif.document(f.checked.workspace, f.findings, f.checked.rules,
                            Path(f.shown), f.checked.errors, f.checked.unused, several)
             for f in report.folders]
    if len(texts) == 1:
        return texts[0]
    logs = [json.loads(text) for text in texts]
    return json.dumps({**logs[0], "runs": [run for log in logs for run in log["runs"]]},
                      indent=2, ensure_ascii=False) + "\n"


def _templates_only(report: Merged) -> list[tuple[Folder, str]]:
    """The folders whose compose files are all in project template folders, each with one
    of those files: nothing was checked, and that is no error (`nocompose`)."""
    found = [(f, nocompose.template_only(Path(f.shown))) for f in report.folders
             if not f.checked.workspace.compose_docs and not f.checked.errors]
    return [(folder, template) for folder, template in found if template is not None]


def _no_compose_files(report: Merged) -> list[NoComposeFile]:
    return [e for e in report.errors if isinstance(e, NoComposeFile)]


def _summary(report: Merged, quiet: bool, templates: list[tuple[Folder, str]]) -> None:
    """On stderr: that a template's folder had nothing to check (even with --quiet: it is no
    summary but a warning that a clean result means nothing), and what was found, unless no
    folder had anything to check (the lines above said why)."""
    for folder, template in templates:
        echo_err(nocompose.template_warning(folder.shown, template))
    if quiet or len(templates) + len(_no_compose_files(report)) == len(report.folders):
        return
    checks = [f.checked for f in report.folders]
    summary = _check_summary(report.findings, report.errors,
                             sum(len(c.suppressed) for c in checks),
                             sum(len(c.unused) for c in checks))
    # the findings, or "All checks passed", say nothing of a service whose app fixer could
    # not find or whose build it did not read: the summary names them
    unchecked = [name for c in checks for name in unchecked_apps(c.workspace)]
    unread = [build for c in checks for build in unread_builds(c.workspace)]
    echo_err(summary + _below_threshold(sum(c.hidden for c in checks), checks[0].severity)
             + _baselined(report.baselined) + _unchecked(unchecked) + _unread(unread))


def _unchecked(names: list[str]) -> str:
    if not names:
        return ""
    runs = "its container runs" if len(names) == 1 else "their containers run"
    return (f" App checks not run on {wording.names(names, 3)}: fixer cannot tell that what "
            f"{runs} serves the FastAPI app the build context imports (`fixer report` says "
            "more).")


def _unread(builds: list[tuple[str, str]]) -> str:
    """The services of which fixer read no build, each with why: at most three named."""
    if not builds:
        return ""
    named = "; ".join(f"{name} ({why})" for name, why in builds[:3])
    more = f"; and {len(builds) - 3} more" if len(builds) > 3 else ""
    return f" Not checked: {named}{more}."


def _baselined(count: int) -> str:
    return f" {plural(count, 'finding')} hidden by the baseline." if count else ""


def _below_threshold(hidden: int, threshold: Severity) -> str:
    if not hidden:
        return ""
    return f" {plural(hidden, 'finding')} below --severity {threshold.value} not shown."


def _by_severity(findings: Sequence[Finding]) -> str:
    """`: 1 error, 2 warnings`: how many of each severity, the most severe first."""
    counts = [(s, sum(1 for f in findings if f.rule.severity is s))
              for s in sorted(Severity, key=lambda s: s.rank)]
    return ": " + ", ".join(plural(n, s.value) for s, n in counts if n)


ALL_PASSED = "All checks passed."


def _check_summary(findings: Sequence[Finding], errors: Sequence[InputError] = (),
                   suppressed: int = 0, unused: int = 0) -> str:
    """`unused`: suppression codes that suppressed nothing (--show-unused-suppressions):
    they fail the check, so the summary never says all passed."""
    hidden = f" {suppressed} suppressed." if suppressed else ""
    if not findings and not errors and not unused:
        return ALL_PASSED + hidden
    safe = sum(1 for f in findings if f.safety is Safety.SAFE)
    later = Counter(fixed_later(f) for f in findings)
    # a finding that follows unsafe fixes is fixed by the same `--unsafe-fixes` run; an
    # unsafe fix that others' safe fixes make safe, by `fixer fix` after them
    unsafe = sum(1 for f in findings if f.safety is Safety.UNSAFE and fixed_later(f) is None) \
        + later[LATER_UNSAFE]
    parts = [f"{safe} fixable with `fixer fix`"] if safe else []
    parts += [f"{unsafe} more with `--unsafe-fixes`"] if unsafe else []
    # display-only until other fixes of the same `fixer fix` are in: not a person's job;
    # one that another fix settles gets no fix of its own (as `fixer fix` counts it)
    settled, waiting = later[LATER_SETTLED], later[LATER_SAFE]
    parts += [f"{waiting} once the fixes they wait on are in"] if waiting else []
    parts += [f"{settled} settled by another finding's fix"] if settled else []
    manual = len(findings) - safe - unsafe - waiting - settled
    parts += [f"{manual} to fix by hand"] if manual else []
    found = f"Found {plural(len(findings), 'finding')}{_by_severity(findings)}" if findings \
        else "No findings"
    text = found + (f" ({', '.join(parts)})" if parts else "")
    # `fixer fix --apply` writes no fix while input cannot be read: counts it could not make
    # would be a promise
    blocked = " `fixer fix --apply` writes none of the fixes while the input errors remain." \
        if (safe or unsafe) and input_errors(errors) else ""
    return text + _errors_part(errors, unused) + blocked + hidden


def _errors_part(errors: Sequence[InputError], unused: int = 0) -> str:
    """`; 1 error in the input, 1 rule crashed (a bug in fixer).`: the two kinds apart, and
    the unused suppressions that fail the check besides the findings."""
    inputs, crashed = len(input_errors(errors)), len(crashes(errors))
    parts = [f"{plural(inputs, 'error')} in the input"] if inputs else []
    parts += [f"{plural(crashed, 'rule')} crashed (a bug in fixer)"] if crashed else []
    parts += [plural(unused, "unused suppression")] if unused else []
    return "; " + ", ".join(parts) + "." if parts else "."

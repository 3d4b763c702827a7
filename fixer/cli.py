"""The command line: check, fix, rules, explain. `main(argv) -> int`; the work is in the engine."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from fixer import configfile, engine, suppress
from fixer.config import Config
from fixer.output import color, github, sarif
from fixer.output import diff as diff_output
from fixer.output.apply import write_changes
from fixer.output.findings import display_path, error_lines, json_document, text_lines
from fixer.registry import choose, discover, unknown_codes
from fixer.rule import Finding, Rule, Safety
from fixer.tree import FolderSource, Tree
from fixer.workspace import Workspace

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class UsageProblem(click.UsageError):
    exit_code = EXIT_ERROR


def _codes(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _rules(select: str | None, ignore: str | None) -> list[Rule]:
    rules = discover()
    wanted, unwanted = _codes(select), _codes(ignore)
    unknown = unknown_codes(rules, (wanted or []) + (unwanted or []))
    if unknown:
        raise UsageProblem(f"unknown rule code: {', '.join(unknown)}")
    return choose(rules, wanted, unwanted)


def _root(path: str) -> Path:
    root = Path(path)
    if not root.is_dir():
        raise UsageProblem(f"{path}: not a folder")
    return root


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


select_option = click.option("--select", help="Rule codes or prefixes to run (P, P001, ALL).")
ignore_option = click.option("--ignore", help="Rule codes or prefixes to leave out.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fixer")
def cli() -> None:
    """Find and fix what breaks the deployment of containerized FastAPI services."""


@cli.command()
@click.argument("path", default=".")
@click.option("--format", "fmt", default="text",
              type=click.Choice(["text", "json", "markdown", "sarif", "github"]))
@select_option
@ignore_option
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--port-source", type=click.Choice(["compose", "dockerfile"]))
@click.option("--healthcheck-strategy", type=click.Choice(["install", "python"]))
@click.option("--show-unused-suppressions", is_flag=True,
              help="Report `# fixer: ignore[...]` comments that suppress nothing.")
@color.no_color_option
@click.option("--diff-filter", metavar="DIFF",
              help="Only findings on lines/files this unified diff adds (a file, or - for stdin).")
def check(path: str, fmt: str, select: str | None, ignore: str | None, exit_zero: bool,
          port_source: str | None, healthcheck_strategy: str | None, diff_filter: str | None,
          show_unused_suppressions: bool) -> int:
    """Report findings; write nothing."""
    root = _root(path)
    settings = configfile.settings(root, path, select=select, ignore=ignore,
                                   port_source=port_source,
                                   healthcheck_strategy=healthcheck_strategy)
    rules = _rules(settings.select, settings.ignore)
    ws = Workspace.load(Tree(FolderSource(root)), settings.config)
    with color.progress(rules, sum(1 for _ in ws.services()), "Checking") as steps:
        findings = engine.check(ws, steps)
    if diff_filter is not None:
        findings = _diff_filtered(findings, diff_filter, Path(path))
    if fmt == "json":
        click.echo(json_document(findings, ws.errors), nl=False)
    elif fmt == "markdown":
        from fixer.report import markdown_report
        click.echo(markdown_report(ws, findings, rules), nl=False)
    elif fmt == "sarif":
        click.echo(sarif.document(ws, findings, rules, root, ws.errors), nl=False)
    elif fmt == "github":
        for line in github.lines(findings, ws.errors, path):
            click.echo(line)
    else:
        for line in text_lines(findings, path):
            click.echo(color.finding(line))
        for line in error_lines(ws.errors, path):
            _echo_err(line)
        _echo_err(_check_summary(findings, len(ws.errors), len(ws.suppressed)))
    unused = suppress.unused_lines(ws, rules, discover(), path) if show_unused_suppressions else []
    for line in unused:
        click.echo(line, err=fmt != "text")
    if ws.errors:
        return EXIT_ERROR
    return EXIT_FOUND if (findings or unused) and not exit_zero else EXIT_CLEAN


def _diff_filtered(findings: list[Finding], source: str, root: Path) -> list[Finding]:
    from fixer import difffilter
    try:
        return difffilter.only_changed(findings, source, root)
    except difffilter.DiffFilterError as exc:
        raise UsageProblem(str(exc)) from None


@cli.command()
@click.argument("path", default=".")
@click.option("--apply", "apply_", is_flag=True, help="Write the fixes into the working tree.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
              help="Also apply fixes that may change behaviour.")
@select_option
@ignore_option
@click.option("--port-source", type=click.Choice(["compose", "dockerfile"]),
              help="Which side of a port mismatch is right.")
@click.option("--healthcheck-strategy", type=click.Choice(["install", "python"]),
              help="Install curl/wget, or rewrite healthchecks to Python.")
@click.option("--postgres-image", show_default="postgres:17-alpine",
              help="Image of a database service fixer adds.")
@color.no_color_option
@click.option("--branch", help="Make branch NAME with one commit per fix (from CI).")
@click.option("--base", default="HEAD", show_default=True, help="Commit the branch starts from.")
@click.option("--push", "push_remote", metavar="REMOTE", help="Push the branch to REMOTE.")
@click.option("--pr-body", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a pull-request description (markdown) to this file.")
@click.option("--author", help='Commit author, "Name <email>" (default: git config, else fixer).')
def fix(path: str, apply_: bool, unsafe_fixes: bool | None, select: str | None,
        ignore: str | None, port_source: str | None, healthcheck_strategy: str | None,
        postgres_image: str | None, branch: str | None, base: str, push_remote: str | None,
        pr_body: Path | None, author: str | None) -> int:
    """Fix findings: print a unified diff, write it with --apply, or commit it with --branch."""
    root = _root(path)
    settings = configfile.settings(root, path, select=select, ignore=ignore,
                                   unsafe_fixes=unsafe_fixes, port_source=port_source,
                                   healthcheck_strategy=healthcheck_strategy,
                                   postgres_image=postgres_image)
    rules = _rules(settings.select, settings.ignore)
    config = settings.config
    if branch is not None:
        if apply_:
            raise UsageProblem("--apply and --branch do not go together")
        return _fix_branch(root, path, rules, config,
                           (branch, base, push_remote, pr_body, author))
    if push_remote or pr_body:
        raise UsageProblem("--push and --pr-body need --branch")
    result = engine.fix(Tree(FolderSource(root)), rules, config)
    changes = result.tree.changes()
    if apply_ and not result.errors:
        write_changes(root, changes)
    elif not apply_:
        sys.stdout.write(color.diff(diff_output.render(changes, result.tree.mode)))
    _summarize(result, path, apply_)
    if result.errors or result.failed or result.problems:
        return EXIT_ERROR
    return EXIT_FOUND if result.applied else EXIT_CLEAN


def _fix_branch(root: Path, path: str, rules: list[Rule], config: Config,
                options: tuple[str, str, str | None, Path | None, str | None]) -> int:
    # gitpython is imported here only: `fixer check` must stay free of it.
    from fixer.output import branch_mode
    name, base, push_remote, pr_body, author = options
    request = branch_mode.BranchRequest(name, base, push_remote, pr_body, author)
    try:
        result, made = branch_mode.run(root, request, rules, config, _echo_err)
    except branch_mode.BranchError as exc:
        _echo_err(f"fixer: {exc}")
        return EXIT_ERROR
    _summarize(result, path, applied=bool(made))
    if result.errors or result.failed or result.problems:
        return EXIT_ERROR
    if not made:
        _echo_err(f"Nothing to fix: branch {name} was not created.")
        return EXIT_CLEAN
    _echo_err(f"Branch {name}: {_plural(len(made), 'commit')}.")
    return EXIT_FOUND


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word}{'es' if word.endswith('x') else 's'}"


def _check_summary(findings: Sequence[Finding], errors: int, suppressed: int = 0) -> str:
    hidden = f" {suppressed} suppressed." if suppressed else ""
    if not findings and not errors:
        return "All checks passed." + hidden
    safe = sum(1 for f in findings if f.report.safety is Safety.SAFE)
    unsafe = sum(1 for f in findings if f.report.safety is Safety.UNSAFE)
    parts = [f"{safe} fixable with `fixer fix`"] if safe else []
    parts += [f"{unsafe} more with `--unsafe-fixes`"] if unsafe else []
    manual = len(findings) - safe - unsafe
    parts += [f"{manual} to fix by hand"] if manual else []
    found = f"Found {_plural(len(findings), 'finding')}" if findings else "No findings"
    text = found + (f" ({', '.join(parts)})" if parts else "")
    return text + (f"; {_plural(errors, 'error')} in the input." if errors else ".") + hidden


def _summarize(result: engine.FixResult, path: str, applied: bool) -> None:
    for line in error_lines(result.errors, path):
        _echo_err(line)
    for failed in result.failed:
        _echo_err(f"{display_path(path, failed.finding.path)}:{failed.finding.line}: "
                  f"{failed.finding.code} fix failed: {failed.reason}")
    for problem in result.problems:
        _echo_err(problem)
    unsafe = [f for f in result.remaining if f.report.safety is Safety.UNSAFE]
    for finding in unsafe:
        _echo_err(f"{display_path(path, finding.path)}:{finding.line}: {finding.code} "
                  f"unsafe fix available with --unsafe-fixes: {finding.report.fix_title}")
    manual = [f for f in result.remaining if not f.fixable]
    for finding in manual:
        why = f" ({finding.report.reason})" if finding.report.reason else ""
        _echo_err(f"{display_path(path, finding.path)}:{finding.line}: {finding.code} "
                  f"no automatic fix{why}: {finding.message}")
    verb = "Applied" if applied and not result.errors else "Would apply"
    _echo_err(f"{verb} {_plural(len(result.applied), 'fix')}."
              + (f" {_plural(len(unsafe), 'unsafe fix')} available with --unsafe-fixes."
                 if unsafe else "")
              + (f" {_plural(len(manual), 'finding')} to fix by hand." if manual else ""))
    if applied and result.errors:
        _echo_err("Nothing was written: fix the errors above first.")


@cli.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_command(fmt: str) -> int:
    """List the rule catalogue."""
    rules = discover()
    if fmt == "json":
        click.echo(json.dumps([_rule_object(r) for r in rules], indent=2))
        return EXIT_CLEAN
    for rule in rules:
        safety = " / ".join(s.value for s in rule.safety)
        click.echo(f"{rule.code}  {rule.name:<28} {rule.category.value:<19} {safety:<28} "
                   f"{rule.summary}")
    return EXIT_CLEAN


def _rule_object(rule: Rule) -> dict[str, object]:
    return {"code": rule.code, "name": rule.name, "category": rule.category.value,
            "safety": [s.value for s in rule.safety], "summary": rule.summary,
            "default": rule.default}


@cli.command()
@click.argument("code")
def explain(code: str) -> int:
    """Print a rule's documentation."""
    for rule in discover():
        if rule.code == code.upper() or rule.name == code:
            click.echo(f"# {rule.code} {rule.name}\n\n{rule.doc}")
            return EXIT_CLEAN
    raise UsageProblem(f"unknown rule: {code}")


@cli.command("report")
@click.argument("path", default=".")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of stdout.")
@click.option("--after", is_flag=True, help="Report on the tree as `fixer fix` would leave it.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
              help="With --after: apply unsafe fixes too.")
@select_option
@ignore_option
@click.option("--port-source", type=click.Choice(["compose", "dockerfile"]))
@click.option("--healthcheck-strategy", type=click.Choice(["install", "python"]))
def report_command(path: str, output: Path | None, after: bool, unsafe_fixes: bool | None,
                   select: str | None, ignore: str | None, port_source: str | None,
                   healthcheck_strategy: str | None) -> int:
    """Write the markdown audit report (exit 0: a report is not a check)."""
    from fixer.report import audit_report
    root = _root(path)
    settings = configfile.settings(root, path, select=select, ignore=ignore,
                                   unsafe_fixes=unsafe_fixes, port_source=port_source,
                                   healthcheck_strategy=healthcheck_strategy)
    rules = _rules(settings.select, settings.ignore)
    text = audit_report(Tree(FolderSource(root)), rules, settings.config, after)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = cli.main(args=list(argv) if argv is not None else None,
                          prog_name="fixer", standalone_mode=False)
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


if __name__ == "__main__":
    run()

"""`fixer fix`: print the fixes as a unified diff, write them with --apply, or commit
them one by one on a branch with --branch."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fixer import engine
from fixer.app.apply import ApplyError
from fixer.app.check import Options, RequestError
from fixer.app.fix import FixRequest, FixRun, Refused
from fixer.app.fix import run as run_fix
from fixer.cli.shared import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    EXIT_INTERRUPTED,
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
from fixer.formats import color
from fixer.formats import diff as diff_output
from fixer.formats.findings import after_unsafe_fixes, display_path, error_lines
from fixer.formats.report.fixrun import FixLine, revealed, settled_by_others
from fixer.model.rule import Finding, Safety
from fixer.model.stacks import is_compose_name



@click.command()
@click.argument("path", default=".")
@click.option("--apply", "apply_", is_flag=True, help="Write the fixes into the working tree.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
              help="Also apply fixes that may change behaviour.")
@select_option
@extend_select_option
@ignore_option
@click.option("--port-source", type=click.Choice(PORT_SOURCES),
              help="Which side of a port mismatch is right (default: auto, by the references).")
@click.option("--healthcheck-strategy", type=click.Choice(["auto", "install", "python"]),
              help="Install curl/wget, or rewrite healthchecks to Python.")
@click.option("--postgres-image",
              help="Image of a database service fixer adds (default: the one the stack's "
                   "other PostgreSQL services run, else postgres:17-alpine).")
@config_option
@gitignore_option
@color.no_color_option
@verbose_option
@click.option("--branch", help="Make branch NAME with one commit per fix (from CI).")
@click.option("--base", help="Commit the branch starts from (default: HEAD).")
@click.option("--push", "push_remote", metavar="REMOTE", help="Push the branch to REMOTE.")
@click.option("--pr-body", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the pull request's description (markdown) to this file; when the "
                   "branch is stale, the comment that closes it.")
@click.option("--author", help='Commit author, "Name <email>" (default: git config, else fixer).')
@click.option("--signoff", is_flag=True,
              help="Add a Signed-off-by trailer (DCO) for the committer to each commit.")
def fix(path: str, apply_: bool, unsafe_fixes: bool | None, select: str | None,
        extend_select: str | None, ignore: str | None, port_source: str | None,
        healthcheck_strategy: str | None, postgres_image: str | None, branch: str | None,
        base: str | None, push_remote: str | None, pr_body: Path | None, author: str | None,
        signoff: bool, verbose: bool, config_file: str | None, respect_gitignore: bool) -> int:
    """Fix findings: print a unified diff, write it with --apply, or commit it with --branch.
    One PATH (default .): the repository whose files are fixed.

    Exit 0 when there is nothing to fix; 1 when there are fixes (the dry run's diff) or
    fixes were made (--apply), so that CI sees the change; 2 on an error (bad usage,
    unreadable input, no compose file, a fix that failed verification). Branch mode: see
    the README."""
    options = Options(select=select, ignore=ignore, extend_select=extend_select,
                      unsafe_fixes=unsafe_fixes, port_source=port_source,
                      healthcheck_strategy=healthcheck_strategy,
                      postgres_image=postgres_image, config=config_file,
                      respect_gitignore=respect_gitignore)
    request = FixRequest(root_folder(path), catalogue(), path, options, apply_, branch, base,
                         push_remote, pr_body, author, signoff)
    try:
        done = run_fix(request, echo_err)
    except RequestError as exc:
        raise UsageProblem(str(exc)) from None
    except Refused as exc:
        echo_err(f"fixer: {exc}")
        return EXIT_ERROR
    if verbose and done.config_elsewhere is not None:
        echo_err(f"config: {done.config_elsewhere}")
    for warning in done.warnings:
        echo_err(warning)
    if branch is not None:
        return _branch_outcome(done, path, branch, push_remote, verbose)
    _say_leftovers(done, path)
    if not apply_:
        tree = done.result.tree
        diff_output.write(sys.stdout, color.diff(diff_output.render(tree.changes(), tree.mode)))
    return _outcome(done, path, verbose)


def _exit_code(result: engine.FixResult) -> int:
    if result.errors or result.failed or result.problems:
        return EXIT_ERROR
    return EXIT_FOUND if result.applied else EXIT_CLEAN


def _outcome(done: FixRun, path: str, verbose: bool) -> int:
    """The summary; after --apply, `path: reason` and exit 2 when nothing could be written,
    130 when interrupted (saying whether the files were written)."""
    failure = done.not_written
    if failure is not None:
        echo_err(failure.shown(display_path(path, failure.path)))
    _summarize(done, path, verbose)
    if failure is not None:
        echo_err(_not_written(failure))
        return EXIT_ERROR
    stopped = done.interrupted
    if stopped is not None:
        echo_err(f"fixer: interrupted; {_written(stopped.written, stopped.total)}.")
        return EXIT_INTERRUPTED
    return _exit_code(done.result)


def _not_written(exc: ApplyError) -> str:
    if not exc.rolled_back:
        return "Nothing was written."
    return (f"Nothing was written: {exc.rolled_back} of {exc.total} files had been replaced,"
            " and were rolled back.")


def _written(written: int, total: int) -> str:
    if not written:
        return "nothing was written"
    return f"all {plural(total, 'file')} were written" if total > 1 else "the file was written"


def _say_leftovers(done: FixRun, path: str) -> None:
    """Temporary files of an earlier run killed while writing: --apply removed them, a dry
    run names them."""
    if done.leftovers:
        echo_err(f"{plural(len(done.leftovers), 'temporary file')} left by an interrupted"
                 f" fixer run ({', '.join(display_path(path, p) for p in done.leftovers)}):"
                 " fixer fix --apply removes them.")
    if done.recovered:
        echo_err(done.recovered)
    if done.removed:
        echo_err(f"Removed {plural(len(done.removed), 'temporary file')} left by an interrupted"
                 f" fixer run: {', '.join(display_path(path, p) for p in done.removed)}")


def _branch_outcome(done: FixRun, path: str, name: str, push_remote: str | None,
                    verbose: bool) -> int:
    _summarize(done, path, verbose)
    result, made = done.result, done.branch_run.made if done.branch_run else []
    if result.errors or result.failed or result.problems:
        return EXIT_ERROR
    if done.branch_run is not None and done.branch_run.up_to_date:
        # in CI a fresh clone has no local branch: only the remote's may hold them
        where = f" (on {push_remote})" if push_remote else ""
        echo_err(f"Branch {name} is up to date{where}: it already holds these fixes; nothing "
                 "was moved or pushed.")
        return EXIT_CLEAN
    if done.branch_run is not None and done.branch_run.left_alone:
        return EXIT_CLEAN   # app/branch said why (a person's edit, a stale branch)
    if not made:
        echo_err(f"Nothing to fix: branch {name} was not created.")
        return EXIT_CLEAN
    echo_err(f"Branch {name}: {plural(len(made), 'commit')}.")
    return EXIT_FOUND


def _summarize(done: FixRun, path: str, verbose: bool = False) -> None:
    result = done.result
    for line in error_lines(result.errors, path, verbose):
        echo_err(line)
    for failed in result.failed:
        echo_err(f"{display_path(path, failed.finding.path)}:{failed.finding.line}: "
                 f"{failed.finding.code} fix failed: {failed.reason}")
    for problem in result.problems:
        echo_err(problem)
    # `fixer check` never showed these findings: say which fix of the diff brought each out
    shown = revealed(result, done.config)
    for item in shown:
        where, fixed_only = _where(path, done, item.finding)
        echo_err(f"{where}: {item.finding.code} fix for a revealed finding: {item.fix.text}"
                 f" ({_revealed_by(item.fix.revealed_by)}){fixed_only}")
    # a fix that failed verification was reported above: --unsafe-fixes would not help it
    refused = {f.finding.fingerprint for f in result.failed}
    unsafe = [f for f in result.remaining
              if f.safety is Safety.UNSAFE and f.fingerprint not in refused]
    for finding in unsafe:
        where, fixed_only = _where(path, done, finding)
        echo_err(f"{where}: {finding.code} unsafe fix available with --unsafe-fixes: "
                 f"{done.as_on_disk(finding, finding.fix_title)}{fixed_only}")
    # display-only until unsafe fixes are in, which a run with `--unsafe-fixes` makes, then
    # these: `fixer check` counts them with the unsafe fixes, not as a person's job (unless
    # no unsafe fix is left to offer: one that failed verification is no way out)
    follow = [f for f in result.remaining
              if after_unsafe_fixes(f)] if unsafe else []
    for finding in follow:
        where, fixed_only = _where(path, done, finding)
        echo_err(f"{where}: {finding.code} fixed with --unsafe-fixes, after the unsafe fixes it "
                 f"waits on: {finding.message}{fixed_only}")
    following = {id(f) for f in follow}
    manual = [f for f in result.remaining if not f.fixable and id(f) not in following]
    for finding in manual:
        reason = done.as_on_disk(finding, finding.reason)
        why = f" ({reason})" if reason else ""
        where, fixed_only = _where(path, done, finding)
        echo_err(f"{where}: {finding.code} no automatic fix{why}: {finding.message}{fixed_only}")
    # what landed, or what --apply would write: never after an input error or a branch run
    # that made no commit (the lines below and the branch's own line say why none)
    verb = "Applied" if done.landed else "Would apply" if done.would_apply else None
    summary = [f"{verb} {plural(len(result.applied), 'fix')}{_of_them_revealed(len(shown))}."
               ] if verb else []
    # `fixer check` counted these: say where they went, or the counts do not add up
    settled = settled_by_others(result) if verb else []
    for finding in settled if verbose else []:
        where, _ = _where(path, done, finding)
        echo_err(f"{where}: {finding.code} settled by another finding's fix: {finding.message}")
    summary += [f"{_settled_count(len(settled))} by another finding's fix."] if settled else []
    summary += [f"{plural(len(unsafe), 'unsafe fix')} available with --unsafe-fixes"
                f"{_following(len(follow))}."] if unsafe else []
    summary += [f"{plural(len(manual), 'finding')} to fix by hand."] if manual else []
    if summary:
        echo_err(" ".join(summary))
    if any(built_from(path) for path in done.written):
        echo_err("Rebuild the images before starting the stack (`docker compose up --build`): "
                 "the fixes changed files they are built from, and `docker compose up` alone "
                 "runs the images built before them.")
    if done.blocked:
        echo_err("Nothing was written: fix the input errors above first.")
    elif done.would_block:
        echo_err("`fixer fix --apply` would write nothing while the input errors above remain.")
    elif done.would_refuse is not None:
        refusing = done.would_refuse
        echo_err(f"`fixer fix --apply` would write nothing: "
                 f"{refusing.shown(display_path(path, refusing.path))}.")


def built_from(path: str) -> bool:
    """Whether a written file may be one an image is built from (a Dockerfile, the app's
    code), which `docker compose up` does not rebuild: not a compose file or an env file,
    which Compose reads each time."""
    name = path.rsplit("/", 1)[-1]
    return not is_compose_name(name) and not name.startswith(".env")


def _where(path: str, done: FixRun, finding: Finding) -> tuple[str, str]:
    """`file:line` of a finding in the files as they are now (a dry run's are as they were),
    and the words that follow its message when the line is the fixed text's alone."""
    line = done.line_on_disk(finding)
    if line is None:
        return f"{display_path(path, finding.path)}:{done.line_once_fixed(finding)}", \
            " (a line of the fixed file)"
    return f"{display_path(path, finding.path)}:{line}", ""


def _revealed_by(by: FixLine | None) -> str:
    """The fix that revealed a finding, naming every service it settles a finding of (one
    C005 fix probes both databases of a list: `mq and db`)."""
    if by is None:
        return "revealed by an earlier fix"
    return f"revealed by {by.revealing_fixes(nobody='the repository')}"


def _following(count: int) -> str:
    """` (and 2 findings that wait on them)`: fixed by the same `--unsafe-fixes` run."""
    if not count:
        return ""
    return f" (and {plural(count, 'finding')} that {'waits' if count == 1 else 'wait'} on them)"


def _settled_count(count: int) -> str:
    return "1 finding is settled" if count == 1 else f"{count} findings are settled"


def _of_them_revealed(count: int) -> str:
    """` (1 for a finding revealed by an earlier fix)`: fixes `fixer check` could not count."""
    if not count:
        return ""
    what = "a finding" if count == 1 else "findings"
    return f" ({count} for {what} revealed by an earlier fix)"

"""The `fixer fix` use case: the fix run of a folder, left in memory for a diff (the dry run),
written into the working tree (--apply), or committed one fix at a time on a branch
(--branch). Nothing is printed; what the command line shows comes back in a `FixRun`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fixer import engine
from fixer.app import nocompose
from fixer.app.apply import (ApplyError, Interrupted, leftovers, refusal, remove_leftovers,
                             write_changes)
from fixer.app.check import Options, RequestError, elsewhere, gitignore_readable, prepare
from fixer.app.configfile import FileReader, on_disk, unknown_services
from fixer.core.config import Config
from fixer.core.errors import NoComposeFile, input_errors
from fixer.core.lazyre import lazy_compile
from fixer.core.wording import names
from fixer.core.tree import FolderSource, Tree, git_tracked
from fixer.engine.ahead import early
from fixer.formats.patience import opcodes
from fixer.model.rule import Finding, Rule

if TYPE_CHECKING:   # gitpython is imported only when a branch is asked for
    from fixer.app.branch import BranchRun


@dataclass(frozen=True)
class FixRequest:
    root: Path
    catalogue: Sequence[Rule]           # every rule, out of which the options choose
    shown: str = "."                    # the folder as the user named it
    options: Options = Options()
    apply: bool = False                 # write the fixes into the working tree
    branch: str | None = None           # commit them on this branch instead
    base: str | None = None             # with branch: the commit it starts from (HEAD)
    push: str | None = None             # with branch: the remote it is pushed to
    pr_body: Path | None = None         # with branch: where the pull request's text goes
    author: str | None = None           # with branch: "Name <email>"
    signoff: bool = False               # with branch: a Signed-off-by trailer on each commit


class Refused(Exception):
    """The branch could not be made (a one-line reason); nothing was written."""


@dataclass(frozen=True)
class FixRun:
    result: engine.FixResult
    config: Config                      # in force: which fixes count as revealed ones
    landed: bool = False                # the fixes are in the working tree or on the branch
    dry_run: bool = False               # neither --apply nor --branch: the diff is the output
    blocked: bool = False               # --apply wrote nothing: the input has errors
    would_refuse: ApplyError | None = None   # a dry run's: why --apply would write nothing
    would_block: bool = False           # a dry run whose --apply would write nothing so
    leftovers: tuple[str, ...] = ()     # dry run: temporary files of a killed run, kept
    removed: tuple[str, ...] = ()       # --apply: those removed before the run
    recovered: str | None = None        # --apply: what became of a run killed mid-write
    written: tuple[str, ...] = ()       # --apply: the files now changed on disk
    not_written: ApplyError | None = None    # --apply: why nothing was written
    interrupted: Interrupted | None = None   # --apply: a signal came while writing
    branch_run: BranchRun | None = None   # --branch: the commits made, or why none were
    config_elsewhere: str | None = None   # the configuration file, when it is not the folder's
    warnings: tuple[str, ...] = ()      # for stderr, one a line: a configuration's slip

    @property
    def would_apply(self) -> bool:
        """A dry run that `--apply` would carry out as its diff shows: no input error stops
        it (a rule's crash does not)."""
        return self.dry_run and not input_errors(self.result.errors)

    def line_on_disk(self, finding: Finding) -> int | None:
        """The line to name a finding of the fixed files by. Where the fixes landed, its line
        in the fixed text (`line_once_fixed`). Otherwise the files are as the run's first
        check read them (a fix above the finding may have moved it in the fixed text only):
        the line that check found it at. None for a finding only the fixes brought out,
        which has a line in the fixed text alone."""
        if self.landed:
            return self.line_once_fixed(finding)
        return self._first_lines.get(finding.fingerprint)

    def line_once_fixed(self, finding: Finding) -> int:
        """A finding's line in the fixed text. One a later round's check found (a finding an
        earlier fix revealed) has its line in that round's tree, which the fixes of that
        round and later ones may move: carried through to the fixed file, to the start of
        the lines its own fix wrote in its place."""
        planned = self._planned_on.get(id(finding))
        if planned is None or finding.line <= 0:
            return finding.line
        tree = self.result.tree
        if not planned.exists(finding.path) or not tree.exists(finding.path):
            return finding.line
        return carried_line(planned.read(finding.path).text, tree.read(finding.path).text,
                            finding.line)

    @cached_property
    def _planned_on(self) -> dict[int, Tree]:
        """id(finding) -> the tree a later round's fix of it was planned on."""
        first = {f.fingerprint for f in self.result.initial}
        return {id(a.finding): a.planned_on.tree for a in self.result.applied
                if a.finding.fingerprint not in first}

    def as_on_disk(self, finding: Finding, said: str | None) -> str | None:
        """A finding's reason or fix title (`said`) with the lines it names as the files on
        disk have them. Where the fixes landed, as said. Otherwise the run's first check
        said it of the files as they were, when only its numbers differ (`compose.yml:14`
        after a fix above it that the dry run did not write, `:9` on disk)."""
        first = self._first.get(finding.fingerprint) if not self.landed else None
        if first is None or said is None:
            return said
        before = first.reason if said == finding.reason else first.fix_title
        same = before is not None and _NUMBERS.sub("#", before) == _NUMBERS.sub("#", said)
        return before if same else said

    @cached_property
    def _first_lines(self) -> dict[str, int]:
        return {f.fingerprint: f.line for f in self.result.initial}

    @cached_property
    def _first(self) -> dict[str, Finding]:
        return {f.fingerprint: f for f in self.result.initial}


_NUMBERS = lazy_compile(r"\d+")


def carried_line(before: str, after: str, line: int) -> int:
    """Line `line` (1-based) of `before` in `after`: where the lines around it are kept, its
    place among them; where it was rewritten or removed, the first line written in its
    place."""
    old, new = before.splitlines(), after.splitlines()
    # the project's line diff: difflib alone is quadratic on a compose file's repeated lines
    for tag, i1, i2, j1, _j2 in opcodes(old, new):
        if i1 <= line - 1 < i2 or (tag == "insert" and i1 == line - 1 == len(old)):
            return j1 + (line - 1 - i1 if tag == "equal" else 0) + 1
    return line



def _silent(_line: str) -> None:
    return None


def run(request: FixRequest, say: Callable[[str], None] = _silent) -> FixRun:
    """The fix run the request asks for. `say` gets branch mode's lines as they happen (the
    commits made, the push). RequestError for flags that exclude each other or an unknown
    rule code, Refused when the branch cannot be made, configfile.ConfigError for a
    configuration file fixer cannot use."""
    _check_mode(request)
    settings, rules = prepare(request.root, request.shown, request.options, request.catalogue,
                              _config_reader(request))
    if request.branch is not None:
        done = _on_branch(request, request.branch, rules, settings.config, say)
    else:
        done = _in_folder(request, rules, settings.config)
    warnings = unknown_services(settings.named_services, done.result.services)
    return replace(done, config_elsewhere=elsewhere(settings), warnings=tuple(warnings))


def _config_reader(request: FixRequest) -> FileReader:
    """Where the configuration is read: the working tree, or in branch mode the --base
    commit, whose committed tree the fixes are computed from."""
    if request.branch is None:
        return on_disk
    from fixer.app import branch as branch_mode   # gitpython: branch mode only
    try:
        return branch_mode.committed_files(request.root, request.base or "HEAD")
    except branch_mode.BranchError as exc:
        raise Refused(str(exc)) from None


def _check_mode(request: FixRequest) -> None:
    if request.branch is not None and request.apply:
        raise RequestError("--apply and --branch do not go together")
    given = [flag for flag, value in (("--base", request.base is not None),
                                      ("--push", request.push is not None),
                                      ("--pr-body", request.pr_body is not None),
                                      ("--author", request.author is not None),
                                      ("--signoff", request.signoff)) if value]
    if request.branch is None and given:   # they mean nothing without it: say so
        raise RequestError(f"{names(given)} {'needs' if len(given) == 1 else 'need'} --branch")


def _in_folder(request: FixRequest, rules: Sequence[Rule], config: Config) -> FixRun:
    gitignore_readable(request.root, request.options.respect_gitignore)
    source, kept, removed, recovered = _without_leftovers(
        request.root, request.apply, config.max_file_size, request.options.respect_gitignore)
    tree = Tree(source)
    with early(tree):   # the modules compiled on another core while the workspace loads
        result = engine.fix(tree, rules, config)
    missing = _nothing_read(result, tree, config, request)
    if missing is not None:   # a wrong path: no diff, nothing written, no summary
        return FixRun(replace(result, errors=[missing]), config)
    done = FixRun(result, config, leftovers=kept, removed=removed, recovered=recovered)
    # Unreadable input may hide what a fix breaks; a rule's crash is fixer's bug and leaves
    # the other rules' verified fixes as good as they were.
    unreadable = bool(input_errors(result.errors))
    if not request.apply:
        refused = refusal(request.root, result.tree.changes()) if result.applied else None
        return replace(done, dry_run=True, would_block=unreadable and bool(result.applied),
                       would_refuse=refused)
    if unreadable:
        return replace(done, blocked=True)
    return _write(request.root, source, done)


def _nothing_read(result: engine.FixResult, tree: Tree, config: Config,
                  request: FixRequest) -> NoComposeFile | None:
    """A folder with no compose file, as `fixer check` says it (a run that found something,
    or could not read something, had one)."""
    if result.initial or result.errors:
        return None
    return nocompose.error_in(tree, config, request.root, request.shown)


def _write(root: Path, source: FolderSource, done: FixRun) -> FixRun:
    """Write the changes all or nothing; a file changed since fixer read it is not replaced."""
    changes = done.result.tree.changes()
    try:
        write_changes(root, changes, source.digest)
    except ApplyError as exc:
        return replace(done, not_written=exc)
    except Interrupted as exc:   # the swap is all or nothing: 0 or every file was written
        return replace(done, interrupted=exc, landed=bool(exc.written),
                       written=tuple(sorted(changes)) if exc.written else ())
    return replace(done, landed=True, written=tuple(sorted(changes)))


def _without_leftovers(root: Path, apply: bool, max_bytes: int, respect_gitignore: bool = True
                       ) -> tuple[FolderSource, tuple[str, ...], tuple[str, ...], str | None]:
    """The folder's files, the leftovers kept, those removed, and what became of a run
    killed while writing (its journal followed). Temporary files of an earlier run are
    removed first by --apply (and a fresh listing made), and only named by a dry run,
    which writes nothing. A file git tracks is the user's, whatever its name."""
    source = FolderSource(root, max_bytes, respect_gitignore)
    found = leftovers(source.paths())
    tracked = git_tracked(root, found)
    found = [p for p in found if p not in tracked]
    if not found:
        return source, (), (), None
    if not apply:
        return source, tuple(found), (), None
    removed, recovered = remove_leftovers(root, found)
    return FolderSource(root, max_bytes, respect_gitignore), (), tuple(removed), recovered


def _on_branch(request: FixRequest, name: str, rules: Sequence[Rule], config: Config,
               say: Callable[[str], None]) -> FixRun:
    # gitpython is imported here only: `fixer check` and the dry run must stay free of it.
    from fixer.app import branch as branch_mode
    wanted = branch_mode.BranchRequest(name, request.base or "HEAD", request.push, request.pr_body,
                                       request.author, request.signoff, request.shown)
    try:
        done = branch_mode.run(request.root, wanted, rules, config, say)
    except branch_mode.BranchError as exc:
        raise Refused(str(exc)) from None
    return FixRun(done.result, config, landed=bool(done.made), branch_run=done)

"""The `fixer check` use case: the settings in force, the rules they choose, one check of the
folder, and the findings to show. Nothing is printed and nothing is written."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from fixer import engine
from fixer.app import configfile, nocompose
from fixer.app.registry import Selection, chosen, matches, unknown_codes
from fixer.core.errors import InputError
from fixer.core.tree import FolderSource, Tree, git_refusal, place_in_work_tree
from fixer.engine import suppress
from fixer.engine.ahead import early
from fixer.facts.builds.runs import start_unchecked, unread_build
from fixer.formats.findings import at_or_above, moved, moved_error
from fixer.model.rule import Finding, Rule, Severity
from fixer.model.services import Service
from fixer.model.workspace import Workspace

if TYPE_CHECKING:   # the markdown report's modules are imported only when it is asked for
    from fixer.formats.report.fixrun import FixRun

# Told how many rules a check runs and how many services it covers, gives the step to call as
# each rule ends: the command line's progress bar.
Progress = Callable[[int, int], AbstractContextManager[Callable[[], None]]]


class RequestError(ValueError):
    """A request fixer cannot run as given (an unknown rule code, an unreadable --diff-filter
    diff, flags that exclude each other): a one-line reason, reported as a usage error."""


@dataclass(frozen=True)
class Options:
    """The flags that override the configuration file's values; None: not given."""

    select: str | None = None          # comma-separated codes or prefixes, as --select takes
    ignore: str | None = None          # these three: `selection_layers`
    extend_select: str | None = None
    unsafe_fixes: bool | None = None
    port_source: str | None = None
    healthcheck_strategy: str | None = None
    postgres_image: str | None = None
    severity: str | None = None
    config: str | None = None          # --config FILE as typed; None: found from the folder up
    respect_gitignore: bool = True     # False: also what .gitignore leaves out


def chosen_rules(catalogue: Sequence[Rule], layers: Sequence[Selection]) -> list[Rule]:
    """The rules the layers of selection run, out of every rule."""
    every = list(catalogue)
    unknown = unknown_codes(every, [code for layer in layers for code in
                                    (*layer.select, *layer.ignore, *layer.extend_select)])
    if unknown:
        raise RequestError(f"unknown rule code: {', '.join(unknown)}")
    return chosen(every, list(layers))


def selection_layers(settings: configfile.Settings, options: Options) -> list[Selection]:
    """The configuration file's selection with the command line's over it, as in ruff: a
    `--select` is the base and drops the file's `select` and `ignore` ("`ruff --select F401`
    will select rule F401 and ignore any of the modifiers from the pyproject.toml");
    without one, `--ignore` and `--extend-select` change what the file selects."""
    given = Selection(_codes(options.select), _codes(options.ignore),
                      _codes(options.extend_select))
    if given.select:
        return [given]
    return [Selection(_codes(settings.select), _codes(settings.ignore)), given]


def _codes(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(c.strip().upper() for c in value.split(",") if c.strip())


def _said_no_to(catalogue: Sequence[Rule], rules: Sequence[Rule],
                layers: Sequence[Selection]) -> tuple[str, ...]:
    """The codes of the rules an `ignore` in force leaves out (not those a `--select`
    merely does not name, nor one a more specific pattern brings back)."""
    running = {rule.code for rule in rules}
    return tuple(rule.code for rule in catalogue if rule.code not in running
                 and any(matches(rule.code, list(layer.ignore)) for layer in layers))


def prepare(root: Path, shown: str, options: Options, catalogue: Sequence[Rule],
            read: configfile.FileReader = configfile.on_disk,
            ) -> tuple[configfile.Settings, list[Rule]]:
    """The configuration file's settings with the flags over them, and the rules they run.
    `shown` is the folder as the user named it: a configuration error names its file so.
    `read` reads the configuration files searched for (branch mode: its base commit's)."""
    flags = dataclasses.asdict(options)
    for chooser in ("select", "ignore", "extend_select"):   # layered over the file's, not
        flags.pop(chooser)                                  # in place of them
    flags.pop("respect_gitignore")        # a flag only: which files are listed
    settings = configfile.settings(root, shown, **flags, read=read)
    layers = selection_layers(settings, options)
    rules = chosen_rules(catalogue, layers)
    # a fix that would make another rule's change on the way asks whether that rule runs
    config = dataclasses.replace(settings.config, rules_run=tuple(r.code for r in rules),
                                 ignored=_said_no_to(catalogue, rules, layers))
    return dataclasses.replace(settings, config=config), rules


@dataclass(frozen=True)
class CheckRequest:
    root: Path
    catalogue: Sequence[Rule]           # every rule: selection, and unused-suppression codes
    shown: str = "."                    # the folder as the user named it
    options: Options = Options()
    diff_filter: str | None = None      # a unified diff's file (or "-", stdin): its scope only
    fix_run: bool = False               # the markdown report counts what `fixer fix` would fix
    edits_shown: bool = False           # the format shows each fix's edits (SARIF)
    unused_suppressions: bool = False


@dataclass(frozen=True)
class Checked:
    workspace: Workspace
    rules: list[Rule]                   # the rules that ran
    severity: Severity                  # the threshold in force
    findings: list[Finding]             # at or above it, and in the diff's scope when given
    hidden: int                         # below it: counted, never shown
    errors: list[InputError]            # input errors and rule crashes
    suppressed: list[Finding]           # by `# fixer: ignore[...]` comments
    unused: list[suppress.Unused] = dataclasses.field(default_factory=list)   # when asked
    fixed_later: FixRun | None = None   # with fix_run: the fix run of the folder
    config_elsewhere: str | None = None   # the configuration file, when it is not the folder's
    # the services its `per-service-ignores` names (`Merged.warnings`)
    named_services: tuple[configfile.NamedService, ...] = ()


def _unseen(_rules: int, _services: int) -> AbstractContextManager[Callable[[], None]]:
    return nullcontext(lambda: None)


def gitignore_readable(root: Path, respect_gitignore: bool) -> None:
    """RequestError where .gitignore is to be applied and git refuses to read the work tree
    (dubious ownership): fixer would read, and fix, what the repository leaves out."""
    refused = git_refusal(root) if respect_gitignore else None
    if refused:
        raise RequestError(f"git refuses to read the repository, so its .gitignore cannot be "
                           f"applied: {refused}; or pass --no-respect-gitignore")


def run(request: CheckRequest, progress: Progress = _unseen) -> Checked:
    """Check the folder. RequestError for a rule code no rule has or an unreadable diff;
    configfile.ConfigError for a configuration file fixer cannot use."""
    settings, rules = prepare(request.root, request.shown, request.options, request.catalogue)
    gitignore_readable(request.root, request.options.respect_gitignore)
    # a check writes nothing: no digest of each file read, which only --apply compares
    tree = Tree(FolderSource(request.root, settings.config.max_file_size,
                             request.options.respect_gitignore, digests=False))
    with early(tree):   # the modules compiled on another core while the workspace loads
        ws = Workspace.load(tree, settings.config)
        with progress(len(rules), sum(1 for _ in ws.services())) as tick:
            # SARIF shows every fix's edits: built where the rules ran, so all run here
            checked = engine.check(ws, rules, tick, fork=not request.edits_shown)
    # Below the threshold is neither shown nor a reason to exit 1; the summary counts it.
    findings = at_or_above(checked.findings, settings.severity)
    hidden = len(checked.findings) - len(findings)
    if request.diff_filter is not None:
        findings = _diff_filtered(findings, request.diff_filter, request.root, ws)
    later = _fixed_later(ws, findings, rules, settings) if request.fix_run else None
    # a shown finding uses the comments its rule heeds at its parts (Violation.parts)
    unused = suppress.unused(ws, [*checked.findings, *checked.suppressed],
                             [r.code for r in rules], [r.code for r in request.catalogue]) \
        if request.unused_suppressions else []
    return Checked(ws, rules, settings.severity, findings, hidden,
                   checked.errors or _nothing_read(ws, request), checked.suppressed, unused,
                   later, elsewhere(settings), settings.named_services)


def _nothing_read(ws: Workspace, request: CheckRequest) -> list[InputError]:
    """A folder with no compose file, as an error (an unreadable one is an error already)."""
    missing = nocompose.error(ws, request.root, request.shown)
    return [missing] if missing is not None else []


def unchecked_apps(ws: Workspace) -> list[str]:
    """The services whose app checks did not run: their build context imports fastapi, but
    fixer cannot tell that what their containers run serves it (`start_unchecked`: not a
    celery worker's, which serves none). The findings say nothing of them, so the summary
    does; `fixer report` calls them "not checked" by the same judgment."""
    return sorted({named(ws, s) for s in ws.apps() if start_unchecked(ws, s)})


def unread_builds(ws: Workspace) -> list[tuple[str, str]]:
    """The built services of which fixer read nothing, each with why (a build context in a
    project template's `{{cookiecutter.slug}}/`, a Dockerfile written in compose, a build
    path from a variable no .env sets): the findings say nothing of them either."""
    found = ((s, unread_build(ws, s)) for s in ws.services())
    return sorted((named(ws, s), why) for s, why in found if why is not None)


def named(ws: Workspace, service: Service) -> str:
    """The service's name, with its stack's compose file where another stack has a service
    of that name (`backend (deployments/docker-compose.yaml)`): a note that names it alone
    would seem to contradict the findings on the other stack's."""
    shared = sum(1 for stack in ws.stacks if service.name in stack.services) > 1
    return f"{service.name} ({service.stack.name})" if shared else service.name


def elsewhere(settings: configfile.Settings) -> str | None:
    """The configuration file in force, as the user would name it, when it is not the one in
    the folder checked (found above it, or named by --config): worth saying with -v."""
    return settings.source if settings.outside else None


def _diff_filtered(findings: list[Finding], source: str, root: Path,
                   ws: Workspace) -> list[Finding]:
    from fixer.formats import difffilter
    try:
        # the stacks: what a deleted file or deleted compose lines break is found from them
        return difffilter.only_changed(findings, source, root, ws.stacks)
    except difffilter.DiffFilterError as exc:
        raise RequestError(str(exc)) from None


def _fixed_later(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule],
                 settings: configfile.Settings) -> FixRun:
    from fixer.app.report import fixed_later
    return fixed_later(ws.tree, findings, rules, settings.config)


@dataclass(frozen=True)
class Folder:
    shown: str                          # the folder as the user typed it
    checked: Checked                    # its findings: those no baseline holds
    # the same findings with the report's fingerprints, their paths still from the folder:
    # what the formats that show each folder apart write (SARIF, GitLab); `checked` keeps
    # the fingerprints its own fix run knows them by (the markdown audit)
    findings: list[Finding]


@dataclass(frozen=True)
class Merged:
    """The checks of the folders of one `fixer check a b`, as one report."""

    folders: list[Folder]
    prefix: str                         # the paths of `findings` are relative to it
    findings: list[Finding]
    errors: list[InputError]
    baselined: int = 0                  # findings a baseline held, left out
    warnings: list[str] = dataclasses.field(default_factory=list)   # for stderr, one a line


def merged(checks: Sequence[tuple[str, Checked]],
           baseline: frozenset[str] = frozenset()) -> Merged:
    """One report of each folder's check. With one folder, paths stay relative to it (the
    outputs join the folder as they always did); with several, each finding's path is the
    folder as typed joined with its own. Its fingerprint hashes its path from the root of
    the git work tree (`rooted`), however the folder was typed; a baseline holds a finding
    by it, or by the fingerprint one written before had (`Finding.legacy_fingerprint`)."""
    single = len(checks) == 1
    folders, errors, hidden = [], [], 0
    findings: list[Finding] = []
    for shown, checked in checks:
        prefix = "." if single else shown
        own = rooted(checked.findings, Path(shown))
        as_shown = [moved(f, prefix) for f in own]
        keep = [not _in_baseline(f, baseline) for f in as_shown]
        hidden += keep.count(False)
        kept = dataclasses.replace(checked, findings=list(compress(checked.findings, keep)))
        folders.append(Folder(shown, kept, list(compress(own, keep))))
        findings += compress(as_shown, keep)
        errors += [moved_error(e, prefix) for e in checked.errors]
    # a service named for another folder's stack is no typo: only the run's stacks count
    defined = {s.name for _shown, checked in checks for s in checked.workspace.services()}
    warnings = configfile.unknown_services(
        [n for _shown, checked in checks for n in checked.named_services], defined)
    return Merged(folders, checks[0][0] if single else ".", findings, errors, hidden, warnings)


def rooted(findings: Sequence[Finding], folder: Path) -> list[Finding]:
    """The findings with their fingerprints' paths from the root of the git work tree the
    folder is in (from the folder outside one)."""
    place = place_in_work_tree(folder)
    home = "" if place is None else place[1]
    return [f.rooted(home) for f in findings]


def _in_baseline(finding: Finding, baseline: frozenset[str]) -> bool:
    """Whether the baseline holds the finding; one written before fingerprints hashed the
    path from the repository's root holds it by the old fingerprint. Without a baseline
    nothing is hashed."""
    return bool(baseline) and (finding.fingerprint in baseline
                               or finding.legacy_fingerprint in baseline)

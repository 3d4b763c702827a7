"""What an audit report says, before it is rendered: services, findings, scores, fixes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from fixer.core.errors import InputError
from fixer.engine.gates import fixes_made, yielded_to
from fixer.engine.scopes import stack_scope
from fixer.formats.findings import after_unsafe_fixes
# what a fix run did, defined beside the code that reads it from one (a fix imports only that)
from fixer.formats.report.fixrun import FixLine, FixRun, FixSummary, Revealed
from fixer.formats.report.impact import Facts, broken_services, concerned, impacts
from fixer.facts.builds.runs import not_fastapi, unread_build, without_python
from fixer.formats.report.scores import CATEGORIES, CategoryScore, category_scores, overall
from fixer.model import appmodule
from fixer.model.appservice import app_services, unknown_start
from fixer.model.rule import Category, Finding, Rule, Safety, Severity
from fixer.model.services import Service, locate_build
from fixer.model.workspace import Workspace
from fixer.sources.compose import get


@dataclass(frozen=True)
class ServiceAudit:
    name: str
    findings: tuple[Finding, ...]
    app: bool = True   # serves a FastAPI app: the app-only categories apply to it
    # no app service, and what its container runs is a program that serves no FastAPI app
    # (`celery`, `nginx`): the app-only categories are not applicable, and the report says why
    runs: str | None = None
    # no app service, but fixer cannot tell that it serves no FastAPI app: why the app-only
    # categories are not checked, rather than not applicable (fixer knows no server in its
    # command while its build context imports fastapi, `appservice.unknown_start`; or it
    # has no Dockerfile to read, S001)
    unchecked: str | None = None
    # an app service whose app module fixer cannot find, and why: the rules that read app
    # code (Imports, Health Endpoints) found nothing because they read nothing
    module_unknown: str | None = None
    # its build context is in a folder fixer does not read (a project template's): why
    # none of its categories was checked; it is not scored
    unread: str | None = None
    # it builds a Dockerfile that is not there (S001): the Dockerfile rules read nothing of it
    no_dockerfile: bool = False
    # code -> why that rule, finding nothing, could not judge the service (`Rule.undecided_fn`)
    undecided: Mapping[str, str] = field(default_factory=dict)

    @property
    def compliant(self) -> bool:
        """No error: warnings alone leave a service "compliant with minor issues"."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.rule.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.rule.severity is not Severity.ERROR]

    def in_category(self, category: Category) -> list[Finding]:
        return [f for f in self.findings if f.rule.category is category]


@dataclass(frozen=True)
class Audit:
    compose_files: tuple[str, ...]
    services: tuple[ServiceAudit, ...]
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    scores: tuple[CategoryScore, ...]
    errors: tuple[InputError, ...] = ()
    after: FixSummary | None = None   # set when the report is of the tree after `fixer fix`
    run: FixRun = field(default_factory=FixRun)  # what `fixer fix` does (before the fixes)
    impacts: Mapping[str, str] = field(default_factory=dict)   # code -> its impact here
    broken: Mapping[str, int] = field(default_factory=dict)    # code -> services it breaks
    unscored: tuple[str, ...] = ()    # services in compose that fixer does not build
    # of those, the ones with no `image` either in the files fixer read (an overlay's entry)
    imageless: tuple[str, ...] = ()
    built_from: tuple[str, ...] = ()  # the compose files that define a built service
    # unsafe fixes that `fixer fix --unsafe-fixes` does not make, where the report's fix run
    # made safe fixes only: fingerprint -> the finding whose fix that run makes first and
    # which leaves nothing for this one's to do (`Violation.yields_to`)
    yields_unsafe: Mapping[str, Finding] = field(default_factory=dict)
    # fingerprint -> the audited service the finding is about, where that is not its
    # service's name alone (`web (one/)`, one of two `web` built from different folders)
    shown_as: Mapping[str, str] = field(default_factory=dict)

    @property
    def checked(self) -> list[ServiceAudit]:
        """The services fixer checked: all but those whose build context it does not read."""
        return [s for s in self.services if s.unread is None]

    @property
    def fixed_later(self) -> Mapping[str, str]:
        return self.run.fixed_later

    @property
    def settled_by(self) -> Mapping[str, str]:
        return self.run.settled_by

    @property
    def overall(self) -> Fraction | None:
        return overall(self.scores)

    def by_rule(self) -> list[tuple[Rule, list[Finding]]]:
        return group_by_rule(self.findings)

    def by_impact(self, severity: Severity) -> list[tuple[Rule, list[Finding]]]:
        """Finding types of one severity, those that break the most services first."""
        return [g for g in self.ranked(self.findings) if g[0].severity is severity]

    def ranked(self, findings: Sequence[Finding]) -> list[tuple[Rule, list[Finding]]]:
        """Finding types, errors first, then by how many services they break or touch;
        ties in category order."""
        return sorted(group_by_rule(findings), key=lambda group: (
            group[0].severity.rank, -self.broken.get(group[0].code, 0)))

    def with_safety(self, safety: Safety) -> list[Finding]:
        """Findings by what `fixer fix` does with them: a display-only finding that the fix
        run fixes after others counts as safe, so the counts match the diff."""
        return [f for f in self.findings if self.safety_of(f) is safety]

    def safety_of(self, finding: Finding) -> Safety:
        """What `fixer fix` does with the finding. A safe finding whose fix fails
        verification (in the fix run, or in a report of the tree after it) is a person's
        job."""
        if finding.fingerprint in self.fixed_later:
            return Safety.UNSAFE if finding.fingerprint in self.run.later_unsafe else Safety.SAFE
        if after_unsafe_fixes(finding):
            return Safety.UNSAFE   # the `--unsafe-fixes` run makes it after the fixes it follows
        if finding.safety is Safety.SAFE and \
                (self.after is not None or self.failure_of(finding) is not None):
            return Safety.DISPLAY
        return finding.safety

    def failure_of(self, finding: Finding) -> str | None:
        """Why `fixer fix` could not fix the finding: the failure of its own fix, not of one
        of the same rule and service in another file or stack."""
        failed = self.after.failed if self.after is not None else self.run.failed
        return next((f.text for f in failed if _fix_of(f, finding)), None)

    def revealed_by(self, finding: Finding) -> list[Revealed]:
        """What the finding's fix reveals and the same run fixes."""
        return [r for r in self.run.revealed
                if (by := r.fix.revealed_by) is not None and _fix_of(by, finding)]


def _fix_of(line: FixLine, finding: Finding) -> bool:
    """The fix is the finding's own: by its fingerprint where the line has one."""
    if line.fingerprint:
        return line.fingerprint == finding.fingerprint
    return (line.code, line.service) == (finding.code, finding.service)


def category_order(finding: Finding) -> tuple[int, str, tuple[str, int, int, str, str]]:
    """Category (in the scores' order), then code, then position."""
    return CATEGORIES.index(finding.rule.category), finding.code, finding.sort_key()


def group_by_rule(findings: Sequence[Finding]) -> list[tuple[Rule, list[Finding]]]:
    """Finding types in category order (as the scores list them), then by code."""
    groups: dict[str, tuple[Rule, list[Finding]]] = {}
    for finding in findings:
        groups.setdefault(finding.code, (finding.rule, []))[1].append(finding)
    return sorted(groups.values(), key=lambda group: category_order(group[1][0])[:2])


@dataclass(frozen=True)
class _Audited:
    """The services fixer builds, each once: one name built from one context in several
    stacks (a base file and its test stack) is one service; the same name built from
    different contexts in separate stacks (`one/` and `two/`, each with its `api`) is one
    each, shown with its folder."""

    keys: list[str]                            # in compose order: the names the report shows
    of_service: dict[int, str]                 # id(Service) -> key
    by_file: dict[tuple[str, str], str]        # (compose file, name) -> key
    contexts: dict[str, str]                   # key -> build context
    # (compose file, name) of every service a compose file defines, built or not
    defined: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def of(cls, ws: Workspace) -> _Audited:
        built = [s for s in ws.services() if s.get("build") is not None]
        contexts: dict[str, set[str]] = {s.name: set() for s in built}
        for service in built:
            contexts[service.name].add(_context(ws, service))
        keys = {id(s): s.name if len(contexts[s.name]) == 1 else
                f"{s.name} ({_context(ws, s) or '.'}/)" for s in built}
        by_file = {(doc.path, s.name): keys[id(s)] for s in built for doc, _d in s.definitions}
        defined = frozenset((doc.path, s.name) for s in ws.services() for doc, _d in s.definitions)
        return cls(list(dict.fromkeys(keys[id(s)] for s in built)), keys, by_file,
                   {keys[id(s)]: _context(ws, s) for s in built}, defined)

    def key_of(self, finding: Finding) -> str | None:
        """The audited service a finding is about: by its name, and where two services share
        it, by the compose file it is in or the build context that holds its file."""
        name = finding.service
        found = self.by_file.get((finding.path, name or ""))
        if found is None and (finding.path, name or "") in self.defined:
            return None   # a service of that file fixer does not build (an image's)
        if found is not None or name in self.keys:
            return found or name
        inside = [key for key, context in self.contexts.items()
                  if key.startswith(f"{name} (") and
                  (not context or finding.path.startswith(context + "/"))]
        return max(inside, key=lambda k: len(self.contexts[k])) if inside else None


def _context(ws: Workspace, service: Service) -> str:
    if service.app is not None:
        return service.app.folder
    try:
        build = locate_build(ws.tree, service)
    except InputError:
        return ""
    return build.context if build is not None else ""


def audited_names(ws: Workspace) -> list[str]:
    """The services fixer builds (compose `build:`), in compose order. Image services
    (postgres, redis) are drawn in the diagram but not scored: fixer fixes none of their
    files, and counting them would lift every score by the share of services it never
    judged."""
    return _Audited.of(ws).keys


def build_audit(ws: Workspace, findings: Sequence[Finding], rules: Sequence[Rule],
                errors: Sequence[InputError], after: FixSummary | None = None,
                run: FixRun | None = None) -> Audit:
    audited = _Audited.of(ws)
    grouped = _grouped(ws, audited, findings)
    keys = audited.of_service
    apps = {keys[id(s)] for s in app_services(ws) if id(s) in keys}
    unknown = {keys[id(s)] for s in ws.apps() if id(s) in keys and unknown_start(ws, s)} - apps
    # why fixer cannot find each app module it does not (the command names one the image
    # lacks, else that it cannot tell where the app object is created)
    moduleless = {keys[id(s)]: appmodule.missing_module(ws, s) or _MODULE_UNKNOWN
                  for s in app_services(ws) if id(s) in keys and appmodule.find(ws, s) is None}
    first: dict[str, Service] = {}   # a service of each key, for what its build holds
    for service in ws.services():
        if id(service) in keys:
            first.setdefault(keys[id(service)], service)
    services = tuple(_service_audit(ws, first[name], name, grouped[name], name in apps,
                                     name in unknown, moduleless.get(name),
                                     _undecided(ws, first[name], rules, grouped[name])
                                     if name in apps else {}, errors)
                     for name in audited.keys)
    unread = {s.name for s in services if s.unread is not None}
    files = tuple(doc.path for stack in ws.stacks for doc in stack.docs)
    built_from = tuple(dict.fromkeys(doc.path for s in ws.services() for doc, d in s.definitions
                                     if get(d, "build") is not None))
    others = dict.fromkeys(s.name for s in ws.services() if s.get("build") is None
                           and s.name not in grouped)
    facts = Facts.of(ws)
    run = run or FixRun()
    scored = {name: found for name, found in grouped.items() if name not in unread}
    keyed = _keyed(ws, audited, findings)
    broken = {code: max(count, len(keyed.get(code, ())))
              for code, count in broken_services(facts, findings).items()}
    return Audit(
        compose_files=files, services=services, findings=tuple(findings), rules=tuple(rules),
        scores=tuple(category_scores(scored, rules, apps, moduleless,
                                     {s.name for s in services if s.no_dockerfile},
                                     _undecided_categories(services, rules))),
        errors=tuple(errors),
        after=after,
        run=run, impacts=impacts(facts, findings),
        broken=broken, unscored=tuple(others),
        imageless=tuple(name for name in others
                        if not any(s.get("image") is not None for s in ws.services()
                                   if s.name == name)),
        shown_as={f.fingerprint: key for f in findings
                  if (key := audited.key_of(f)) is not None and key != f.service},
        built_from=tuple(f for f in files if f in built_from),
        yields_unsafe={} if run.unsafe else _yields_unsafe(ws, findings))


def _keyed(ws: Workspace, audited: _Audited,
           findings: Sequence[Finding]) -> dict[str, set[str]]:
    """Code -> the audited services its findings are about, those of one name built from
    different folders apart: at least that many services it breaks or touches, which
    `broken_services` counts by name."""
    found: dict[str, set[str]] = {}
    for finding in findings:
        keys = {audited.key_of(finding),
                *(audited.of_service.get(id(s)) for s in concerned(ws, finding))}
        found.setdefault(finding.code, set()).update(k for k in keys if k is not None)
    return found


def _grouped(ws: Workspace, audited: _Audited, findings: Sequence[Finding]
             ) -> dict[str, list[Finding]]:
    """Each audited service's findings: those about it, and those about a service fixer does
    not build that count against it (C005 at a database's image, whose fix gates the app's
    `depends_on`: `impact.concerned`)."""
    grouped: dict[str, list[Finding]] = {name: [] for name in audited.keys}
    for finding in findings:
        about = {audited.key_of(finding),
                 *(audited.of_service.get(id(s)) for s in concerned(ws, finding))}
        for key in about:
            if key is not None:
                grouped[key].append(finding)
    return grouped


# why the app-only categories of a service that is no app service were not checked
_START_UNKNOWN = ("its build context imports fastapi, but fixer cannot tell that what the "
                  "container runs serves it")
NO_DOCKERFILE = "no Dockerfile to read: S001"
_MODULE_UNKNOWN = "fixer cannot find the app module its command serves"


def _undecided(ws: Workspace, service: Service, rules: Sequence[Rule],
               findings: list[Finding]) -> dict[str, str]:
    """Code -> why that rule, which found nothing in the app service, could not judge it."""
    found = {f.code for f in findings}
    reasons = {rule.code: rule.undecided_fn(ws, service) for rule in rules
               if rule.undecided_fn is not None and rule.code not in found}
    return {code: why for code, why in reasons.items() if why}


def _undecided_categories(services: Sequence[ServiceAudit],
                          rules: Sequence[Rule]) -> dict[Category, set[str]]:
    """Category -> the services a rule of it could not judge: not scored there, as their
    pass is not shown."""
    category = {rule.code: rule.category for rule in rules}
    found: dict[Category, set[str]] = {}
    for service in services:
        for code in service.undecided:
            found.setdefault(category[code], set()).add(service.name)
    return found


def _service_audit(ws: Workspace, service: Service, name: str, findings: list[Finding],
                   app: bool, start_unknown: bool, module_unknown: str | None,
                   undecided: dict[str, str], errors: Sequence[InputError]) -> ServiceAudit:
    """The service's findings in category order, and what the report says of the categories
    it has none in: not applicable, not checked, and why."""
    missing = service.app is None and any(f.code == "S001" for f in findings)
    audit = ServiceAudit(name, tuple(sorted(findings, key=category_order)), app,
                         module_unknown=module_unknown, no_dockerfile=missing,
                         undecided=undecided)
    unread = unread_build(ws, service) or _unreadable(ws, service, errors) \
        if service.app is None else None
    if unread is not None:
        return replace(audit, unread=unread)
    if app or (service.app is not None and not start_unknown):
        return audit   # an app service, or no app service for a reason fixer knows
    runs = not_fastapi(ws.tree, service)
    if runs is not None:
        return replace(audit, runs=runs)
    if start_unknown and not without_python(service):
        return replace(audit, unchecked=_START_UNKNOWN)
    # with no Dockerfile, what the image runs is unknown: only compose's command tells
    return replace(audit, unchecked=NO_DOCKERFILE) if missing else audit


def _unreadable(ws: Workspace, service: Service, errors: Sequence[InputError]) -> str | None:
    """Why fixer read nothing of the service's image: its Dockerfile is input it cannot
    read (`file with no instructions`, an unknown instruction), or its `build.target` names
    no stage of it; the build fails on either."""
    try:
        build = locate_build(ws.tree, service)
    except InputError:
        return None
    error = next((e for e in errors if build is not None and e.path == build.dockerfile), None)
    if error is not None:
        return f"its Dockerfile cannot be read: {error.path}:{error.line}: {error.message}"
    targets = {(doc.path, doc.line(target.node)) for doc, value in service.all("build")
               if (target := get(value, "target")) is not None}
    error = next((e for e in errors if (e.path, e.line) in targets), None)
    return f"{error.path}:{error.line}: {error.message}" if error is not None else None


def _yields_unsafe(ws: Workspace, findings: Sequence[Finding]) -> dict[str, Finding]:
    """The unsafe fixes a run with `--unsafe-fixes` holds, as `engine/gates.py` holds them
    in that run's check, because another fix it makes goes first and leaves nothing for
    theirs to do: fingerprint -> that other finding."""
    fixes = fixes_made(findings, unsafe=True)
    scope = stack_scope(ws)
    return {finding.fingerprint: first for finding in findings
            if finding.safety is Safety.UNSAFE and finding.violation.yields_to
            and (first := yielded_to(finding, fixes, scope)) is not None}

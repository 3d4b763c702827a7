"""The rule API: what a rule module declares, what it reports, and the Finding the engine makes."""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import ModuleType
from typing import TYPE_CHECKING

from fixer.core.edits import Edit
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile

if TYPE_CHECKING:
    from fixer.model.services import Service
    from fixer.model.workspace import Workspace
    from fixer.sources.compose import ComposeDoc, Node


class Safety(str, Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY = "display-only"


class Severity(str, Enum):
    """An error breaks the stack (a build fails, a service never starts or never becomes
    healthy, traffic reaches no listener); a warning is hardening or hygiene: it runs."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 0 if self is Severity.ERROR else 1


class Category(str, Enum):
    STRUCTURE = "Structure"
    DOCKERFILE = "Dockerfile"
    IMPORTS = "Imports"
    HEALTH = "Health Endpoints"
    PORTS = "Port Configuration"
    COMPOSE = "Docker Compose"


# A rule module may set FIX_ORDER lower to have its fixes applied before the others'.
DEFAULT_FIX_ORDER = 100

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


# Builds a fix's edits on the workspace its violation was found on; called only when the
# engine applies the fix, so `fixer check` never pays for edits nobody asked for.
EditBuilder = Callable[[], Sequence[Edit]]


@dataclass(frozen=True)
class Fix:
    """What a violation offers to change: a title for the diff and commit, its safety
    (SAFE or UNSAFE) and the deferred builder of its edits."""

    title: str
    safety: Safety
    build: EditBuilder = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Location:
    """A place whose change can cause a finding, or change it: lines `line` to `end_line`
    (1-based, inclusive) of `path`, or the whole file when `line` is None (the module
    whose routes a probe relies on). `--diff-filter` keeps a finding a diff touches here."""

    path: str
    line: int | None = None
    end_line: int | None = None       # None: the one line `line`

    @property
    def last(self) -> int | None:
        return self.line if self.end_line is None else self.end_line

    @classmethod
    def of_text(cls, file: TextFile, start: int, end: int) -> Location:
        """The lines of file.text[start:end]: for offsets that come with no line (a compose
        `command:` region, a port's digits). The file's line starts are found once and
        kept with it: a count from the top for each of a thousand services in one compose
        file would grow with the square of its size."""
        starts = file.line_starts()
        stop = _trimmed(file.text, start, end)
        return cls(file.path, bisect.bisect_right(starts, start),
                   bisect.bisect_right(starts, max(start, stop - 1)))

    @classmethod
    def of_node(cls, doc: ComposeDoc, node: Node) -> Location:
        """The lines of a compose node, from its marks: no count from the file's top. A block
        node's end mark sits on the next token: the whitespace before it is left out."""
        text, start, end = doc.file.text, int(node.start_mark.index), int(node.end_mark.index)
        blank = text.count("\n", _trimmed(text, start, end), end)
        return cls(doc.path, int(node.start_mark.line) + 1, int(node.end_mark.line) + 1 - blank)


def _trimmed(text: str, start: int, end: int) -> int:
    """`end` moved back over trailing whitespace (never before `start`)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


@dataclass(frozen=True)
class Violation:
    """What a rule's detect() yields: one problem at one place, and the fix it offers."""

    message: str
    path: str
    line: int
    column: int = 1
    service: str | None = None
    subject: str = ""                 # stable identity within the rule (no line numbers)
    fix: Fix | None = None            # None: display-only
    reason: str | None = None         # why there is no fix, or why it is unsafe
    # Display-only only until other fixes of the run are in (a `depends_on` list that waits
    # for C004/C005 to give an entry its healthcheck): when a fix makes it appear, it is the
    # next step of the same run, not a defect that fix introduced.
    waits: bool = False
    # Other places whose change can cause or change this finding (for P001 the command, the
    # EXPOSE and every port claim of the service, wherever it is reported): what
    # `--diff-filter` follows. Locations only, so that `fixer check` builds them cheaply.
    causes: tuple[Location, ...] = ()
    # The places besides its own line where a `# fixer: ignore[CODE]` comment of its rule
    # takes a part of it out (D003: a healthcheck that runs the missing tool; C005: an app
    # service's `depends_on` entry its fix would gate), each the first line of a Location:
    # the rule leaves a commented part out, comments at all of them suppress the finding as
    # one at its own line does, and one at any of them is used (engine/suppress.py).
    parts: tuple[Location, ...] = ()
    # The services of the same stack the fix makes others wait for until they are healthy
    # (C003's and C005's `service_healthy`): a service that stops at start-up never is.
    # The hold names the first of them that stops, so the one the finding is about goes first.
    relies_on: tuple[str, ...] = ()
    # The fix adds a healthcheck to the finding's own service (C004's): one that stops at
    # start-up never passes it, so it is held as `relies_on` holds, with the stop as reason
    # (C004 itself adds none where it knows the app stops: `facts/builds/stops.py`)
    probes_itself: bool = False
    # Display-only because a service in `relies_on` stops at start-up (engine/gates.py): the
    # start-up finding is the defect; a fix that reveals this one did not make it.
    held: bool = False
    # A finding of a rule whose findings stop the service (STOPS_START) that does not, here:
    # a module only a function-level import loads fails the requests that run it (S004)
    starts: bool = False
    # The services the finding stops at start-up, where the rule knows them (S004: those
    # whose imports reach the module): the gates hold what waits for each of them. Empty:
    # its service, and every service that builds the same files (`engine/scopes.py`)
    stops: tuple[str, ...] = ()
    # The fix writes the port the service listens on now (C004's probe, P002's EXPOSE): held
    # while a finding of a SETTLES_PORT rule disputes that port and has no safe fix
    writes_port: bool = False
    # The services whose listen port it writes, where the fix serves more than its own (P002's
    # EXPOSE in an image several services build): a dispute of any of them holds it
    port_services: tuple[str, ...] = ()
    # A finding of a SETTLES_PORT rule that disputes no listen port (P001 on the image's
    # HEALTHCHECK probe: the probe moves, the app stays; P001 whose safe fix moves compose's
    # side): it holds no `writes_port` fix
    keeps_port: bool = False
    # (rule code, service): the findings whose fixes this one's fix follows (C003's gate on a
    # healthcheck D003 or P001 repairs; a `depends_on` list waiting for C004 or C005). While
    # each is there with a safe fix, or waits in turn, the finding waits (engine/gates.py):
    # `fixer fix` fixes it after them, so it is no person's job.
    follows: tuple[tuple[str, str], ...] = ()
    # The fixes it follows go first for another fix's sake (the C003 fix of a list this
    # one reveals), not for its own: its commit does not say it relies on them
    follows_for_order: bool = False
    # Display-only until a change no safe fix of the run makes (a fix it follows that is
    # unsafe or missing, a healthcheck no rule repairs): a person's job in the check's
    # counts, unlike `waits`; like it, the next step of other changes, so a fix that makes
    # it appear did not make a defect (engine/verify.py).
    blocked: bool = False
    # Blocked only until `--unsafe-fixes`: every fix it follows is there, and a run with
    # unsafe fixes makes them, then this one (the check counts it with the unsafe fixes)
    after_unsafe: bool = False
    # Where it follows fixes: what fixer cannot tell of its change once they are in (the
    # gated service's health route, which it cannot read). Its fix is unsafe then, so it
    # waits for `--unsafe-fixes`, not for `fixer fix` (engine/gates.py)
    then_doubt: str = ""
    # (rule code, service): findings whose safe fixes lift what makes this one's fix unsafe
    # (C004's doubt of a start-up that retries its database until it answers, which a C005
    # fix making the app wait for that database to be healthy ends at once). While each is
    # there with a safe fix, `fixer fix` makes this fix after them (engine/gates.py): the
    # check counts it as waiting, not as one for `--unsafe-fixes`.
    safe_after: tuple[tuple[str, str], ...] = ()
    # (rule code, service): findings whose fixes leave nothing for this one's to do (C004's
    # healthcheck on the route that reads as the app's health route, beside which H001's
    # unsafe fix adds a second one). While one is there with a fix, this fix is held
    # (engine/gates.py): that one goes first, and this finding is gone after it.
    yields_to: tuple[tuple[str, str], ...] = ()
    # Held for one of `yields_to`: the fingerprint of the finding whose fix settles this one
    # ("" when none). No fix of its own follows, so the check counts it as settled by
    # another fix, not as one that waits; and a run whose fix of that finding failed says so
    yielded: str = ""
    # (rule code, service): other findings, in the files the fix edits, that it settles as
    # it goes (C005's probes of the other databases a list it gates names; C003's rewrite of
    # a list's other entries). The commit and the pull request name those the run then
    # finds gone (formats/report/fixrun.py): no attribution is guessed from titles.
    settles: tuple[tuple[str, str], ...] = ()
    # The fix makes the service's image buildable (S001's Dockerfile), so the rules that
    # read built services see it for the first time: what they then find in files the fix
    # does not write was there before, unseen, and is no finding the fix introduces
    # (engine/verify.py); it is reported after it, to fix in turn or by hand.
    unveils: bool = False

    @property
    def safety(self) -> Safety:
        return self.fix.safety if self.fix is not None else Safety.DISPLAY

    @property
    def fix_title(self) -> str | None:
        return self.fix.title if self.fix is not None else None


# A run of the characters a repository path is made of, in a subject
_PATH_TOKEN = lazy_compile(r"[\w./-]+")


def short_digest(key: str) -> str:
    """16 hex digits of the key's SHA-256: every fingerprint fixer writes. A name that is not
    UTF-8 (`stack\\xe9/`) is hashed as its bytes."""
    import hashlib   # here: a text report never hashes, and the import costs a few ms
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(frozen=True)
class Finding:
    """A Violation stamped with its rule."""

    rule: Rule
    violation: Violation
    # The file's path and the subject as seen from the root of the git work tree the checked
    # folder is in (from the folder outside one), once a report has set them (`rooted`):
    # what the fingerprint hashes, so that `team-a`, `./team-a` and an absolute path give a
    # finding one fingerprint, and so do `check .` and `check stacks/billing`. None: `path`
    # and `subject` as they are.
    rooted_key: tuple[str, str] | None = None

    def rooted(self, home: str) -> Finding:
        """The finding with its fingerprint's path from the repository's root (`home`: the
        checked folder's path from there, "" or ending in "/"). A subject that names the
        finding's own file or one beside it (D003's Dockerfile, H001's module, S002's
        `__init__.py`) names it from there too."""
        folder = posixpath.dirname(self.path) + "/"

        def from_root(token: re.Match[str]) -> str:
            near = token[0] == self.path or (folder != "/" and token[0].startswith(folder))
            return home + token[0] if near else token[0]

        subject = _PATH_TOKEN.sub(from_root, self.subject) if home else self.subject
        return Finding(self.rule, self.violation, (home + self.path, subject))

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def message(self) -> str:
        return self.violation.message

    @property
    def path(self) -> str:
        return self.violation.path

    @property
    def line(self) -> int:
        return self.violation.line

    @property
    def column(self) -> int:
        return self.violation.column

    @property
    def service(self) -> str | None:
        return self.violation.service

    @property
    def subject(self) -> str:
        return self.violation.subject

    @property
    def causes(self) -> tuple[Location, ...]:
        return self.violation.causes

    @property
    def parts(self) -> tuple[Location, ...]:
        return self.violation.parts

    @property
    def safety(self) -> Safety:
        return self.violation.safety

    @property
    def fix_title(self) -> str | None:
        return self.violation.fix_title

    @property
    def reason(self) -> str | None:
        return self.violation.reason

    @functools.cached_property
    def fingerprint(self) -> str:
        """Stable across runs and line shifts: code, service, file and subject (from the
        repository's root once a report has set `rooted_key`). Hashed once per finding (kept
        beside its fields, which it reads only): each fix round compares every finding
        before and after by it."""
        return self._hashed(*(self.rooted_key or (self.path, self.subject)))

    @property
    def legacy_fingerprint(self) -> str:
        """The fingerprint as fixer made it before it hashed paths from the repository's
        root: of `path` as shown (from the folder checked, or from the folder as typed with
        several folders) and of the subject as the rule wrote it. A baseline written then
        still holds the finding by it."""
        return self._hashed(self.path, self.subject)

    def _hashed(self, path: str, subject: str) -> str:
        return short_digest("\0".join((self.rule.code, self.service or "", path, subject)))

    @property
    def fixable(self) -> bool:
        return self.violation.fix is not None

    def edits(self) -> Sequence[Edit]:
        """The fix's edits, built now on the workspace the violation was found on."""
        fix = self.violation.fix
        return () if fix is None else fix.build()

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Report order: by file and position."""
        return (self.path, self.line, self.column, self.rule.code, self.subject)

    def fix_order(self) -> tuple[int, str, str, int, int, str]:
        """Fix order: the rule's FIX_ORDER, then its code, then position. Rules that settle
        what other fixes build on (the listen port) go first, so a C004 healthcheck probes
        the port P001 has just made the app listen on, not the stale one."""
        return (self.rule.fix_order, self.rule.code, self.path, self.line, self.column,
                self.subject)


@dataclass(frozen=True)
class Rule:
    """A rule module, loaded: its declarations and its two functions."""

    code: str
    name: str
    category: Category
    safety: tuple[Safety, ...]
    doc: str
    severity: Severity = field(default=Severity.ERROR, kw_only=True)
    detect_fn: Callable[[Workspace], Iterable[Violation]] = field(repr=False)
    default: bool = True
    fix_order: int = DEFAULT_FIX_ORDER
    # Its findings stop the service at start-up (STOPS_START in the module): a missing
    # server package, a module that does not compile or import.
    stops_start: bool = False
    # How a held fix's reason says the service stops (STOP_WORDING in the module): a rule
    # whose findings may stop it only at the first query says so
    stop_wording: str = "stops at start-up"
    # Its detect reads the services' Python code (READS_APP_CODE in the module): such rules
    # share the costliest facts, so a check on two cores runs them in one process.
    reads_app_code: bool = False
    # Its findings dispute which port a service listens on (SETTLES_PORT in the module):
    # while one has no safe fix, fixes that write that port are held (engine/gates.py).
    settles_port: bool = False
    # It judges app services only (APP_ONLY in the module; the Imports, Health Endpoints and
    # Port Configuration rules all do): of a service that is no app service, the report
    # says it does not apply, or was not checked, rather than that it found nothing.
    app_only: bool = False
    # Why it could not judge an app service it found nothing in (`undecided(ws, service)` in
    # the module; None: it judged it): the report says "not checked" there, never "passed"
    undecided_fn: Callable[[Workspace, Service], str | None] | None = field(
        default=None, repr=False)

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        safety = module.SAFETY
        return cls(
            code=module.CODE, name=module.NAME, category=module.CATEGORY,
            safety=tuple(safety) if isinstance(safety, (tuple, list)) else (safety,),
            doc=(module.__doc__ or "").strip(), detect_fn=module.detect,
            default=getattr(module, "DEFAULT", True),
            fix_order=getattr(module, "FIX_ORDER", DEFAULT_FIX_ORDER),
            stops_start=getattr(module, "STOPS_START", False),
            stop_wording=getattr(module, "STOP_WORDING", "stops at start-up"),
            reads_app_code=getattr(module, "READS_APP_CODE", False),
            settles_port=getattr(module, "SETTLES_PORT", False),
            app_only=getattr(module, "APP_ONLY", False),
            undecided_fn=getattr(module, "undecided", None),
            severity=module.SEVERITY,
        )

    @property
    def summary(self) -> str:
        """The first paragraph of the docs, on one line (a summary may wrap)."""
        return " ".join(self.doc.split("\n\n")[0].split()) if self.doc else ""

    def doc_section(self, title: str) -> str | None:
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return match.group(1).strip() if match else None

    def detect(self, ws: Workspace) -> list[Finding]:
        return [Finding(self, violation) for violation in self.detect_fn(ws)]

"""The rule API: what a rule module declares, what it reports, and the Finding the engine makes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from types import ModuleType
from typing import TYPE_CHECKING, Any

from fixer.edits import Edit

if TYPE_CHECKING:
    from fixer.workspace import Workspace


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


# Report.data key: the fix makes the service visible to the other rules (S001 pointing
# compose at the real Dockerfile); their findings on it were there before, not introduced.
REVEALS_SERVICE = "reveals_service"

# Report.data key: the finding is display-only only until other fixes of the run are in (a
# `depends_on` list that waits for C004/C005 to give an entry its healthcheck). A fix that makes
# it appear does not introduce a defect: it is the next step of the same run.
WAITS = "waits"

# A rule module may set FIX_ORDER lower to have its fixes applied before the others'.
DEFAULT_FIX_ORDER = 100

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety")


@dataclass(frozen=True)
class Report:
    """What a rule's detect() yields: one problem at one place."""

    message: str
    path: str
    line: int
    column: int = 1
    service: str | None = None
    subject: str = ""                 # stable identity within the rule (no line numbers)
    safety: Safety = Safety.DISPLAY   # of the fix offered; DISPLAY: no fix
    fix_title: str | None = None
    reason: str | None = None         # why there is no fix, for display-only findings
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Finding:
    """A Report stamped with its rule."""

    rule: Rule
    report: Report

    def __getattr__(self, name: str) -> Any:
        return getattr(self.report, name)

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def fingerprint(self) -> str:
        """Stable across runs and line shifts: code, service, file and subject."""
        key = "\0".join((self.rule.code, self.report.service or "", self.report.path,
                         self.report.subject))
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    @property
    def fixable(self) -> bool:
        return self.report.safety is not Safety.DISPLAY

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Report order: by file and position."""
        return (self.report.path, self.report.line, self.report.column, self.rule.code,
                self.report.subject)

    def fix_order(self) -> tuple[int, str, str, int, int, str]:
        """Fix order: the rule's FIX_ORDER, then its code, then position. Rules that settle
        what other fixes build on (the listen port) go first, so a C004 healthcheck probes
        the port P001 has just made the app listen on, not the stale one."""
        return (self.rule.fix_order, self.rule.code, self.report.path, self.report.line,
                self.report.column, self.report.subject)


@dataclass(frozen=True)
class Rule:
    """A rule module, loaded: its declarations and its two functions."""

    code: str
    name: str
    category: Category
    safety: tuple[Safety, ...]
    doc: str
    severity: Severity = field(default=Severity.ERROR, kw_only=True)
    detect_fn: Callable[[Workspace], Iterable[Report]] = field(repr=False)
    fix_fn: Callable[[Workspace, Finding], Sequence[Edit]] | None = field(repr=False)
    default: bool = True
    fix_order: int = DEFAULT_FIX_ORDER

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        safety = module.SAFETY
        return cls(
            code=module.CODE, name=module.NAME, category=module.CATEGORY,
            safety=tuple(safety) if isinstance(safety, (tuple, list)) else (safety,),
            doc=(module.__doc__ or "").strip(), detect_fn=module.detect,
            fix_fn=getattr(module, "fix", None), default=getattr(module, "DEFAULT", True),
            fix_order=getattr(module, "FIX_ORDER", DEFAULT_FIX_ORDER),
            severity=module.SEVERITY,
        )

    @property
    def summary(self) -> str:
        """The first line of the docs."""
        return self.doc.splitlines()[0].strip() if self.doc else ""

    def doc_section(self, title: str) -> str | None:
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return match.group(1).strip() if match else None

    def detect(self, ws: Workspace) -> list[Finding]:
        return [Finding(self, report) for report in self.detect_fn(ws)]

    def fix(self, ws: Workspace, finding: Finding) -> Sequence[Edit]:
        if self.fix_fn is None:
            return []
        return self.fix_fn(ws, finding)

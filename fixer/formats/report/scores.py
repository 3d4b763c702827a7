"""Compliance scores: per category, the share of audited services with no finding in it;
overall, a weighted mean in which an error counts for more than a warning.

Category score = 100 × (audited services with no finding of that category) / (audited
services). A category none of whose rules ran, or a tree with no service, has no score.
Overall = Σ over scored categories (3 × error-free share + 1 × category score share) /
(4 × scored categories), where a category's error-free share is the share of audited
services with no error finding in it. Per category, a service with no finding earns 4 of 4
points, one with warnings only 3, one with an error 0: a category free of errors weighs
above one that merely lacks warnings. Percentages are rounded half up to a whole number
only for display, so the overall score is computed on exact shares, not on rounded ones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from fixer.model.rule import Category, Finding, Rule, Severity

# The audit's categories, in the order the rule catalogue lists them (`fixer rules`).
CATEGORIES: tuple[Category, ...] = tuple(Category)

# The categories whose rules judge FastAPI app services only (no H, P or I rule fires for
# a worker or a Node service): another built service is not applicable there, and is left
# out of their scores.
APP_ONLY: frozenset[Category] = frozenset({Category.IMPORTS, Category.HEALTH, Category.PORTS})
# The categories whose rules read the app's modules: an app service whose module fixer
# cannot find was not judged there, and is left out of their scores too
READS_APP_CODE: frozenset[Category] = frozenset({Category.IMPORTS, Category.HEALTH})

# How much a category's error-free share and its score (no finding at all) weigh in the
# overall score: an error breaks the stack, a warning does not (`fixer.model.rule.Severity`).
ERROR_WEIGHT, FINDING_WEIGHT = 3, 1

FORMULA = (
    "Each category's score is the share of audited services (the compose services fixer "
    "builds; for Imports, Health Endpoints and Port Configuration, those that serve a FastAPI "
    "app, and for the first two, those whose app module fixer finds) that have no finding of "
    "that category's rules, as a percentage. A category whose "
    "rules were not run, or a tree with no service, has no score. The overall score weighs "
    "errors above warnings: for each scored category, 3 × the share of services with no error "
    "in it plus 1 × its score, summed over the scored categories and divided by 4 × their "
    "number. Per category, a service with no finding earns 4 of 4 points, one with warnings "
    "only 3, one with an error 0. Scores are computed on exact shares and rounded half up to "
    "a whole percent for display.")


@dataclass(frozen=True)
class CategoryScore:
    category: Category
    passing: int               # services with no finding in the category
    total: int                 # audited services
    error_free: int            # services with no error finding in it
    warning_free: int          # services with no warning finding in it
    checked: bool = True       # False: no rule of the category ran, so no score

    @property
    def share(self) -> Fraction | None:
        """The exact share of passing services; None when the category was not checked or
        there is no service to score (an empty tree is not a compliant one)."""
        return self._share(self.passing)

    @property
    def weighted(self) -> Fraction | None:
        """The category's part of the overall score: its error-free share and its score,
        weighted 3 to 1."""
        error_free, clean = self._share(self.error_free), self.share
        if error_free is None or clean is None:
            return None
        return (ERROR_WEIGHT * error_free + FINDING_WEIGHT * clean) / (ERROR_WEIGHT + FINDING_WEIGHT)

    def _share(self, count: int) -> Fraction | None:
        if not self.checked or not self.total:
            return None
        return Fraction(count, self.total)


def category_scores(findings_by_service: Mapping[str, Iterable[Finding]],
                    rules: Collection[Rule],
                    apps: Collection[str] | None = None,
                    unread: Collection[str] = (),
                    no_dockerfile: Collection[str] = (),
                    undecided: Mapping[Category, Collection[str]] | None = None
                    ) -> list[CategoryScore]:
    """One score per category; `findings_by_service` has every audited service as a key,
    `apps` the names of those that are FastAPI app services (the others count only in the
    categories outside APP_ONLY; None: every one is), `unread` those whose app module fixer
    cannot find (counted in READS_APP_CODE only where a finding there judged them), and
    `no_dockerfile` those with no Dockerfile to read (S001), counted in the Dockerfile
    category only where a finding there judged them; `undecided`, per category, those a rule
    of it could not judge (H002 and a router prefix it cannot read), counted likewise."""
    checked = {rule.category for rule in rules}
    failing = {category: 0 for category in CATEGORIES}
    with_error = {category: 0 for category in CATEGORIES}
    with_warning = {category: 0 for category in CATEGORIES}
    for name, findings in findings_by_service.items():
        found = {(f.rule.category, f.rule.severity) for f in findings
                 # a service out of an app-only category's total is out of its count too
                 if apps is None or name in apps or f.rule.category not in APP_ONLY}
        for category in {category for category, _severity in found}:
            failing[category] += 1
            with_error[category] += (category, Severity.ERROR) in found
            with_warning[category] += (category, Severity.WARNING) in found
    everyone = len(findings_by_service)
    app_count = everyone if apps is None else sum(name in apps for name in findings_by_service)
    totals = {c: app_count if c in APP_ONLY else everyone for c in CATEGORIES}
    # per category, the services none of its findings judged that it leaves out, each once
    unjudged: dict[Category, set[str]] = {c: set(unread) for c in READS_APP_CODE}
    for category, names in (undecided or {}).items():
        unjudged.setdefault(category, set()).update(names)
    for category, names in unjudged.items():
        totals[category] -= sum(1 for name, findings in findings_by_service.items()
                                if name in names and (apps is None or name in apps)
                                and not any(f.rule.category is category for f in findings))
    totals[Category.DOCKERFILE] -= sum(
        1 for name, findings in findings_by_service.items() if name in no_dockerfile
        and not any(f.rule.category is Category.DOCKERFILE for f in findings))
    return [CategoryScore(c, totals[c] - failing[c], totals[c], totals[c] - with_error[c],
                          totals[c] - with_warning[c], c in checked) for c in CATEGORIES]


def overall(scores: Iterable[CategoryScore]) -> Fraction | None:
    """The mean of the scored categories' weighted shares; None when none was scored."""
    shares = [s.weighted for s in scores if s.weighted is not None]
    return sum(shares, Fraction(0)) / len(shares) if shares else None


def percent(share: Fraction) -> int:
    """A share as a whole percentage, rounded half up (Python's round() goes to even)."""
    # floor(100 * n / d + 1/2), in integers so that no float error can tip a half
    return (200 * share.numerator + share.denominator) // (2 * share.denominator)


def badge(share: Fraction) -> str:
    """✅ for full marks, ⚠️ from half up, ❌ below half: the report's three marks."""
    if share == 1:
        return "✅"
    return "⚠️" if share >= Fraction(1, 2) else "❌"

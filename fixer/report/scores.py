"""Compliance scores: per category, the share of audited services with no finding in it.

Category score = 100 × (audited services with no finding of that category) / (audited
services). A category none of whose rules ran, or a tree with no service, has no score.
Overall = the mean of the scored categories. Percentages are rounded half up to a whole
number only for display, so the overall score is the mean of the exact category shares,
not of rounded ones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from fixer.rule import Category, Finding, Rule

# The audit's categories in the order of RULES.md (and of the seed report).
CATEGORIES: tuple[Category, ...] = tuple(Category)

FORMULA = (
    "Each category's score is the share of audited services (the compose services fixer "
    "builds, plus any service a finding names) that have no finding of that category's rules, "
    "as a percentage. A category whose rules were not run, or a tree with no service, has no "
    "score. The overall score is the mean of the scored categories' exact shares. Scores are "
    "rounded half up to a whole percent for display.")


@dataclass(frozen=True)
class CategoryScore:
    category: Category
    passing: int               # services with no finding in the category
    total: int                 # audited services
    checked: bool = True       # False: no rule of the category ran, so no score

    @property
    def share(self) -> Fraction | None:
        """The exact share of passing services; None when the category was not checked or
        there is no service to score (an empty tree is not a compliant one)."""
        if not self.checked or not self.total:
            return None
        return Fraction(self.passing, self.total)


def category_scores(findings_by_service: Mapping[str, Iterable[Finding]],
                    rules: Collection[Rule]) -> list[CategoryScore]:
    """One score per category; `findings_by_service` has every audited service as a key."""
    checked = {rule.category for rule in rules}
    failing: dict[Category, int] = {category: 0 for category in CATEGORIES}
    for findings in findings_by_service.values():
        for category in {finding.rule.category for finding in findings}:
            failing[category] += 1
    total = len(findings_by_service)
    return [CategoryScore(c, total - failing[c], total, c in checked) for c in CATEGORIES]


def overall(scores: Iterable[CategoryScore]) -> Fraction | None:
    """The mean of the scored categories' exact shares; None when none was scored."""
    shares = [s.share for s in scores if s.share is not None]
    return sum(shares, Fraction(0)) / len(shares) if shares else None


def percent(share: Fraction) -> int:
    """A share as a whole percentage, rounded half up (Python's round() goes to even)."""
    # floor(100 * n / d + 1/2), in integers so that no float error can tip a half
    return (200 * share.numerator + share.denominator) // (2 * share.denominator)


def badge(share: Fraction) -> str:
    """✅ for full marks, ⚠️ from half up, ❌ below half (as the seed report marks them)."""
    if share == 1:
        return "✅"
    return "⚠️" if share >= Fraction(1, 2) else "❌"

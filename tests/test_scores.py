"""Compliance scores: the formula on hand-made findings, rounding, and on a small real tree."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from fixer.formats.report.scores import CATEGORIES, FORMULA, category_scores, overall, percent
from fixer.model.rule import Category, Finding, Rule, Safety, Severity, Violation
from support import run_cli


def _no_reports(_ws: object) -> Iterator[Violation]:
    return iter(())


def rule(code: str, category: Category, severity: Severity = Severity.ERROR) -> Rule:
    return Rule(code=code, name=f"rule-{code.lower()}", category=category, safety=(Safety.SAFE,),
                doc=f"Rule {code}.", detect_fn=_no_reports, severity=severity)


STRUCTURE, PORTS = rule("S900", Category.STRUCTURE), rule("P900", Category.PORTS)
PORTS_TOO = rule("P901", Category.PORTS)
STRUCTURE_HINT = rule("S901", Category.STRUCTURE, Severity.WARNING)
PORTS_HINT = rule("P902", Category.PORTS, Severity.WARNING)


def finding(of: Rule, service: str) -> Finding:
    return Finding(of, Violation(message="m", path="compose.yaml", line=1, service=service))


def scores_by_category(by_service: dict[str, list[Finding]],
                       rules: list[Rule]) -> dict[Category, Fraction | None]:
    return {s.category: s.share for s in category_scores(by_service, rules)}


def test_a_category_scores_the_share_of_services_with_none_of_its_findings() -> None:
    by_service = {
        "a": [finding(PORTS, "a"), finding(PORTS_TOO, "a")],  # two findings: one service
        "b": [finding(STRUCTURE, "b"), finding(PORTS, "b")],
        "c": [], "d": [],
    }
    shares = scores_by_category(by_service, [STRUCTURE, PORTS, PORTS_TOO])
    assert shares[Category.STRUCTURE] == Fraction(3, 4)
    assert shares[Category.PORTS] == Fraction(2, 4)
    # No rule of these categories ran: no score, and they do not count in the overall.
    assert all(shares[c] is None for c in CATEGORIES
               if c not in (Category.STRUCTURE, Category.PORTS))
    # every finding is an error: the weighted mean is the plain mean of the category scores
    assert overall(category_scores(by_service, [STRUCTURE, PORTS])) == Fraction(5, 8)


def test_the_overall_score_weighs_an_error_free_category_above_a_warning_free_one() -> None:
    """The formula of the report's FORMULA text: per scored category, 3 × its error-free
    share + 1 × its score (the share with no finding), over 4 × the categories."""
    by_service = {
        "a": [finding(STRUCTURE, "a"), finding(STRUCTURE_HINT, "a")],  # Structure 0 of 4
        "b": [finding(STRUCTURE_HINT, "b"), finding(PORTS, "b")],      # 3 of 4; Ports 0
        "c": [finding(PORTS_HINT, "c")],                                # Ports 3 of 4
        "d": [],
    }
    scores = category_scores(by_service, [STRUCTURE, STRUCTURE_HINT, PORTS, PORTS_HINT])
    shares = {s.category: s.share for s in scores}
    # the displayed per-category score is still the share of services with no finding
    assert shares[Category.STRUCTURE] == Fraction(2, 4)    # c, d
    assert shares[Category.PORTS] == Fraction(2, 4)        # a, d
    # Structure: (3 × 3/4 error-free (not a) + 2/4) / 4 = 11/16; Ports: the same (not b)
    assert overall(scores) == Fraction(11, 16)
    # the same per service: (0 + 3 + 4 + 4) / 16 and (4 + 0 + 3 + 4) / 16
    assert "3 × the share of services with no error in it plus 1 × its score" in FORMULA
    assert "with warnings only 3, one with an error 0" in FORMULA


def test_a_warning_costs_a_quarter_and_an_error_everything() -> None:
    warned = overall(category_scores({"a": [finding(PORTS_HINT, "a")]}, [PORTS, PORTS_HINT]))
    broken = overall(category_scores({"a": [finding(PORTS, "a")]}, [PORTS, PORTS_HINT]))
    both = overall(category_scores({"a": [finding(PORTS, "a"), finding(PORTS_HINT, "a")]},
                                   [PORTS, PORTS_HINT]))
    assert (warned, broken, both) == (Fraction(3, 4), 0, 0)


def test_a_checked_category_with_no_finding_scores_full_marks() -> None:
    by_service: dict[str, list[Finding]] = {"a": [], "b": [finding(PORTS, "b")]}
    shares = scores_by_category(by_service, [STRUCTURE, PORTS])
    assert shares[Category.STRUCTURE] == 1 and shares[Category.PORTS] == Fraction(1, 2)


def test_no_service_or_no_rule_means_no_score() -> None:
    assert scores_by_category({}, [STRUCTURE])[Category.STRUCTURE] is None
    assert overall(category_scores({}, [STRUCTURE])) is None
    assert overall(category_scores({"a": []}, [])) is None


def test_a_service_a_rule_could_not_judge_is_left_out_once() -> None:
    """`a` has no app module fixer finds and a probe H002 cannot judge: out of the Health
    score once, not twice; `b`, undecided too but failing there, still counts; `c` passes."""
    health = rule("H900", Category.HEALTH)
    by_service = {"a": [], "b": [finding(health, "b")], "c": []}
    scores = {s.category: s for s in category_scores(
        by_service, [health], unread={"a"}, undecided={Category.HEALTH: {"a", "b"}})}
    assert (scores[Category.HEALTH].passing, scores[Category.HEALTH].total) == (1, 2)


def test_the_categories_are_the_six_of_the_rules_catalogue_in_its_order() -> None:
    assert [c.value for c in CATEGORIES] == [
        "Structure", "Dockerfile", "Imports", "Health Endpoints", "Port Configuration",
        "Docker Compose"]


@pytest.mark.parametrize(("share", "shown"), [
    (Fraction(1, 8), 13),      # 12.5: half up, where round() would say 12
    (Fraction(5, 8), 63),      # 62.5
    (Fraction(2, 7), 29),      # 28.57...
    (Fraction(5, 7), 71),
    (Fraction(0), 0), (Fraction(1), 100),
])
def test_percent_rounds_half_up(share: Fraction, shown: int) -> None:
    assert percent(share) == shown


def test_the_overall_score_is_the_mean_of_exact_shares_not_of_rounded_ones() -> None:
    # Every service fails Port Configuration; all but service 0 fail Structure.
    by_service = {str(n): [finding(PORTS, str(n))] + ([finding(STRUCTURE, str(n))] if n else [])
                  for n in range(8)}
    scores = category_scores(by_service, [STRUCTURE, PORTS])
    assert [percent(s.share) for s in scores if s.share is not None] == [13, 0]  # 12.5 and 0
    # exactly (1/8 + 0) / 2 = 6.25% -> 6; the mean of the rounded 13 and 0 would show 7
    assert overall(scores) == Fraction(1, 16)
    assert percent(Fraction(1, 16)) == 6


# -- on a real tree ----------------------------------------------------------------------------

DOCKERFILE = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\n"
              'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n')
APP = ('from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
       'def health() -> dict[str, str]:\n    return {"status": "ok"}\n')
COMPOSE = ('services:\n  a:\n    build: ./a\n    ports:\n      - "8001:8001"\n'
           "  b:\n    build: ./b\n  c:\n    build: ./c\n  d:\n    build: ./d\n")


@pytest.fixture
def four_services(tmp_path: Path) -> Path:
    """a: port mismatch and a stray app/Dockerfile; b: no app/__init__.py and a stray
    app/Dockerfile; c and d: clean."""
    files = {"compose.yaml": COMPOSE}
    for name in "abcd":
        files |= {f"{name}/Dockerfile": DOCKERFILE, f"{name}/app/main.py": APP,
                  f"{name}/app/__init__.py": ""}
    files |= {"a/app/Dockerfile": DOCKERFILE, "b/app/Dockerfile": DOCKERFILE}
    del files["b/app/__init__.py"]
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def test_the_report_shows_the_hand_computed_scores(four_services: Path) -> None:
    code, out, err = run_cli("report", four_services, "--select", "S002,D001,P001")
    assert code == 0, err
    scores = out[out.index("## Compliance Score"):]
    # S002 and D001 are warnings, P001 an error
    assert "- **Structure**: 75% ⚠️ (3 of 4 services; 1 with warnings)\n" in scores   # b
    assert "- **Dockerfile**: 50% ⚠️ (2 of 4 services; 2 with warnings)\n" in scores  # a, b
    assert "- **Port Configuration**: 75% ⚠️ (3 of 4 services; 1 with errors)\n" in scores
    for category in ("Imports", "Health Endpoints", "Docker Compose"):
        assert f"- **{category}**: not checked\n" in scores
    # Structure (3 × 4/4 + 3/4) / 4 = 15/16; Dockerfile (3 × 4/4 + 2/4) / 4 = 14/16;
    # Ports (3 × 3/4 + 3/4) / 4 = 12/16; mean 41/48 = 85.4% -> 85
    assert "**Overall Compliance**: 85% - Requires fixes before production deployment" in scores
    assert "Overall compliance: 85%." in out


def test_warnings_alone_are_compliant_with_minor_issues(four_services: Path) -> None:
    code, out, err = run_cli("report", four_services, "--select", "S002,D001")
    assert code == 0, err
    assert "1. ✅ **a** - Compliant with minor issues: 1 minor issue (Dockerfile)\n" in out
    assert "2. ✅ **b** - Compliant with minor issues: 2 minor issues (Structure, Dockerfile)\n" in out
    assert "3. ✅ **c** - Compliant: no findings\n" in out
    assert "**Overall Compliance**: 91% - Compliant with minor issues" in out  # (15+14)/32


def test_after_the_fixes_every_checked_category_is_full(four_services: Path) -> None:
    code, out, err = run_cli("report", four_services, "--select", "S002,D001,P001", "--after")
    assert code == 0, err
    assert "**Overall Compliance**: 100% - No finding in what fixer checks" in out
    assert "- **Dockerfile**: 100% ✅ (4 of 4 services)\n" in out


def test_a_service_without_a_fastapi_app_is_left_out_of_the_app_only_categories() -> None:
    """A worker or a Node frontend is not judged by the port, health and import rules: it
    neither lifts nor lowers those scores, and still counts in the others."""
    by_service = {"api": [finding(PORTS, "api")], "worker": []}
    scores = {s.category: s for s in category_scores(by_service, [STRUCTURE, PORTS], {"api"})}
    assert (scores[PORTS.category].passing, scores[PORTS.category].total) == (0, 1)
    assert (scores[STRUCTURE.category].passing, scores[STRUCTURE.category].total) == (2, 2)


def test_an_app_only_finding_of_a_service_that_is_no_app_is_not_scored() -> None:
    """`tests` runs pytest on the app's image: an app-only category's finding charged to it
    (as a report may charge one to each service of an image) leaves that category's score
    to the app services: never below zero."""
    health = rule("H900", Category.HEALTH, Severity.WARNING)
    by_service = {"api": [finding(health, "api")], "tests": [finding(health, "api")]}
    [score] = [s for s in category_scores(by_service, [health], apps={"api"})
               if s.category is Category.HEALTH]
    assert (score.passing, score.total) == (0, 1)

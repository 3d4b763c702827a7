"""Rule documentation: `fixer rules` (text and JSON), `fixer explain`, and docs/rules.md,
which is generated from the rule docstrings and must not fall behind them."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from fixer.app.registry import discover
from fixer.model.rule import DOC_SECTIONS, Rule
from fixer.app.ruledocs import demote, facts, render, safety_text
from support import REPO, run_cli

RULES = discover()
DOCS = REPO / "docs" / "rules.md"
REGENERATE = "python -m fixer.app.ruledocs > docs/rules.md"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(RULES), \
        f"docs/rules.md is out of date with the rule docstrings: run `{REGENERATE}`"


@pytest.mark.slow  # a fresh interpreter runs the module's entry point
def test_the_module_entry_point_prints_the_page() -> None:
    result = subprocess.run([sys.executable, "-m", "fixer.app.ruledocs"], capture_output=True,
                            timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == render(RULES)


def test_the_page_has_a_table_row_and_a_section_per_rule() -> None:
    page = render(RULES)
    for rule in RULES:
        row = (f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} | "
               f"{rule.category.value} | {rule.severity.value} | {safety_text(rule)} |")
        assert row in page
        section = page.split(f"\n## {rule.code} {rule.name}\n", 1)[1].split("\n## ", 1)[0]
        assert " ".join(section.split()).startswith(rule.summary)
        # a whole sentence: commit messages and `fixer rules` quote it alone
        assert rule.summary.endswith(".") and "\n" not in rule.summary, rule.code
        assert f"\n- **Severity**: {rule.severity.value}\n" in section
        for title in DOC_SECTIONS:
            assert f"\n### {title}\n" in section, f"{rule.code}: {title}"


def test_section_headings_move_down_a_level_but_code_blocks_do_not_change() -> None:
    lines = ["## Example", "```yaml", "## a YAML comment", "```", "## Use instead", "x"]
    assert list(demote(lines)) == ["### Example", "", "```yaml", "## a YAML comment", "```",
                                   "### Use instead", "", "x"]


ROW = re.compile(r"^(?P<code>[A-Z]\d{3})  (?P<name>\S+) +(?P<category>\S.*?) {2,}"
                 r"(?P<severity>error|warning) +(?P<safety>\S.*?)\s+(?P<summary>\S.*)$")


def test_rules_lists_code_name_category_severity_safety_and_summary() -> None:
    code, out, _ = run_cli("rules")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(RULES)
    for rule, line in zip(RULES, lines):
        match = ROW.match(line)
        assert match, line
        assert (match["code"], match["name"], match["category"], match["severity"]) == \
            (rule.code, rule.name, rule.category.value, rule.severity.value)
        assert line.endswith(rule.summary) and safety_text(rule) in line


def test_rules_json_is_the_same_data() -> None:
    code, out, _ = run_cli("rules", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"code": r.code, "name": r.name, "category": r.category.value,
         "severity": r.severity.value, "safety": [s.value for s in r.safety],
         "summary": r.summary, "default": r.default}
        for r in RULES]
    assert {r["severity"] for r in json.loads(out)} == {"error", "warning"}


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_explain_prints_the_rule_facts_and_docs(rule: Rule) -> None:
    for key in (rule.code, rule.code.lower(), rule.name):
        code, out, _ = run_cli("explain", key)
        assert code == 0
        block = "\n".join(f"{label}: {value}" for label, value in facts(rule))
        assert out == f"# {rule.code} {rule.name}\n\n{block}\n\n{rule.doc}\n"
        assert f"\nSeverity: {rule.severity.value}\n" in out


def test_explain_an_unknown_rule_is_a_usage_error() -> None:
    code, out, err = run_cli("explain", "Z999")
    assert (code, out) == (2, "")
    assert "unknown rule: Z999" in err


# the packages a server command names (S003): what the rule is about, not an example's name
_ABOUT = {"S003": {"fastapi", "uvicorn"}}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_why_is_this_bad_quotes_no_name_of_the_example(rule: Rule) -> None:
    """The report shows "Why is this bad?" as a finding's impact in any repository: an
    error message quoting the example's names (`database "orders" does not exist`) would
    name what the repository does not have."""
    why, example = rule.doc_section("Why is this bad?"), rule.doc_section("Example")
    if why is None or example is None:
        return
    quoted = {word for pair in re.findall(r'"([\w.-]+)"|\'([\w.-]+)\'', why) for word in pair
              if word} - _ABOUT.get(rule.code, set())
    named = sorted(w for w in quoted if re.search(rf"\b{re.escape(w)}\b", example))
    assert not named, f"{rule.code}: {named}"

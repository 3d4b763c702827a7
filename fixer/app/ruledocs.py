"""docs/rules.md, rendered from the rule docstrings: `python -m fixer.app.ruledocs > docs/rules.md`.

The docstrings are the single source: `fixer explain CODE` prints them, this page
collects them, and a test fails when the committed page is out of date.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence

from fixer.app.registry import discover
from fixer.core.lazyre import lazy_compile
from fixer.model.rule import Rule

GENERATED = ("<!-- Generated from the rule docstrings in rules/ by "
             "`python -m fixer.app.ruledocs > docs/rules.md`. Do not edit by hand. -->")
_FENCE = lazy_compile(r"^\s*(```|~~~)")


def safety_text(rule: Rule) -> str:
    return " / ".join(s.value for s in rule.safety)


def facts(rule: Rule) -> list[tuple[str, str]]:
    """What the catalogue says of a rule besides its docs: this page and `fixer explain`
    show the same facts."""
    default = "yes" if rule.default else f"no (`--select {rule.code}`)"
    return [("Category", rule.category.value), ("Severity", rule.severity.value),
            ("Fix safety", safety_text(rule)), ("On by default", default)]


def anchor(rule: Rule) -> str:
    """GitHub's anchor for the heading `## CODE name`."""
    return f"{rule.code.lower()}-{rule.name}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(rules: Sequence[Rule]) -> str:
    lines = ["# Rules", "", GENERATED, ""]
    lines += list(_table(rules))
    off = [r.code for r in rules if not r.default]
    if off:
        lines += ["", f"Off by default (run only when selected by full code): {', '.join(off)}."]
    for rule in rules:
        lines += ["", *_rule_section(rule)]
    return "\n".join(lines) + "\n"


def _table(rules: Sequence[Rule]) -> Iterator[str]:
    yield "| Code | Name | Category | Severity | Fix safety | Summary |"
    yield "|---|---|---|---|---|---|"
    for rule in rules:
        yield (f"| [{rule.code}](#{anchor(rule)}) | {rule.name} | {rule.category.value} | "
               f"{rule.severity.value} | {safety_text(rule)} | {_cell(rule.summary)} |")


def _rule_section(rule: Rule) -> Iterator[str]:
    yield f"## {rule.code} {rule.name}"
    yield ""
    yield rule.summary
    yield ""
    yield from (f"- **{label}**: {value}" for label, value in facts(rule))
    body = rule.doc.split("\n", 1)[1].strip("\n") if "\n" in rule.doc else ""
    if body:
        yield ""
        yield from demote(body.splitlines())


def demote(lines: Sequence[str]) -> Iterator[str]:
    """The docstring's `## Section` headings one level down, under the rule's own heading;
    lines inside code fences (a YAML comment `## ...`) are left as they are."""
    fenced, after_heading = False, False
    for line in lines:
        if after_heading and line.strip():
            yield ""  # a blank line under each heading, as markdown linters want
        if _FENCE.match(line):
            fenced = not fenced
        after_heading = not fenced and line.startswith("## ")
        yield f"#{line}" if after_heading else line


def main() -> int:
    sys.stdout.buffer.write(render(discover()).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

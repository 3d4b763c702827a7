"""`fixer rules` (the catalogue, as text or JSON) and `fixer explain CODE` (a rule's docs)."""

from __future__ import annotations

import json

import click

from fixer.app.ruledocs import facts, safety_text
from fixer.cli.shared import EXIT_CLEAN, UsageProblem, catalogue
from fixer.model.rule import Rule


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_command(fmt: str) -> int:
    """List the rule catalogue."""
    rules = catalogue()
    if fmt == "json":
        click.echo(json.dumps([_rule_object(r) for r in rules], indent=2))
        return EXIT_CLEAN
    for rule in rules:
        click.echo(f"{rule.code}  {rule.name:<28} {rule.category.value:<19} "
                   f"{rule.severity.value:<8} {safety_text(rule):<28} {rule.summary}")
    return EXIT_CLEAN


def _rule_object(rule: Rule) -> dict[str, object]:
    return {"code": rule.code, "name": rule.name, "category": rule.category.value,
            "severity": rule.severity.value, "safety": [s.value for s in rule.safety],
            "summary": rule.summary, "default": rule.default}


@click.command()
@click.argument("code")
def explain(code: str) -> int:
    """Print a rule's documentation."""
    for rule in catalogue():
        if rule.code == code.upper() or rule.name == code:
            lines = "\n".join(f"{label}: {value}" for label, value in facts(rule))
            click.echo(f"# {rule.code} {rule.name}\n\n{lines}\n\n{rule.doc}")
            return EXIT_CLEAN
    raise UsageProblem(f"unknown rule: {code}")

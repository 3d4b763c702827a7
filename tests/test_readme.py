"""The README's rule table is the catalogue: every rule, its name, category and severity."""

from __future__ import annotations

import re

from fixer.app.registry import discover
from support import REPO

ROW = re.compile(r"^\| ([A-Z]\d{3}) \| ([\w-]+) \| ([\w ]+) \| (error|warning) \|", re.M)


def test_readme_rule_table_matches_the_registry() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [(code, name, category, severity) for code, name, category, severity
            in ROW.findall(readme)]
    expected = [(r.code, r.name, r.category.value, r.severity.value)
                for r in sorted(discover(), key=lambda r: ("SDIHPC".index(r.code[0]), r.code))]
    assert rows == expected

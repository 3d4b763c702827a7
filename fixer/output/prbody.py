"""The pull-request description for a fix branch, built from the commits actually made."""

from __future__ import annotations

import unidiff

from fixer.output.branch import MadeCommit
from fixer.output.diff import file_diff


def _stats(made: MadeCommit) -> list[tuple[str, int, int]]:
    fix = made.fix
    text = ""
    for path in sorted({e.path for e in fix.edits}):
        old = fix.before.read(path) if fix.before.exists(path) else None
        new = fix.after.read(path) if fix.after.exists(path) else None
        text += file_diff(path, old, new)
    return [(p.path, p.added, p.removed) for p in unidiff.PatchSet(text)]


def render(made: list[MadeCommit], branch: str) -> str:
    lines = [f"## fixer: {len(made)} automatic fix{'es' if len(made) != 1 else ''}", "",
             f"Branch `{branch}` has one commit per fix; each can be reverted on its own.", "",
             "| # | code | service | file | safety |", "|---|---|---|---|---|"]
    for number, item in enumerate(made, 1):
        finding = item.fix.finding
        files = ", ".join(f"`{p}`" for p in sorted({e.path for e in item.fix.edits}))
        lines.append(f"| {number} | {finding.code} | {finding.report.service or '-'} | {files} "
                     f"| {finding.report.safety.value} |")
    for number, item in enumerate(made, 1):
        finding = item.fix.finding
        lines += ["", f"### {number}. {item.commit.summary}", "",
                  f"**What changed:** {finding.report.fix_title or finding.message}", "",
                  f"**Why:** {finding.message}. {finding.rule.summary} "
                  f"(`fixer explain {finding.code}`)", ""]
        for path, added, removed in _stats(item):
            lines.append(f"- `{path}`: +{added} -{removed}")
    return "\n".join(lines) + "\n"

"""The pull-request description for a fix branch, built from the commits actually made:
a summary table, then per commit what changed, why, and its diff statistics."""

from __future__ import annotations

from unidiff.patch import PatchSet

from fixer.output.branch import MadeCommit, fix_paths, subject_of
from fixer.output.diff import file_diff
from fixer.rule import Finding


def diff_stats(made: MadeCommit) -> list[tuple[str, int, int]]:
    """(path, lines added, lines removed) per file of the commit, read by unidiff from
    the commit's diff; paths relative to the folder fixer ran on."""
    fix = made.fix
    text = ""
    for path in fix_paths(fix):
        old = fix.before.read(path) if fix.before.exists(path) else None
        new = fix.after.read(path) if fix.after.exists(path) else None
        text += file_diff(path, old, new)
    return [(p.path, p.added, p.removed) for p in PatchSet(text)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _why(finding: Finding) -> str:
    """The finding itself, then the rule's "Why is this bad?" on one line."""
    because = " ".join((finding.rule.doc_section("Why is this bad?") or "").split())
    return f"{finding.message.rstrip('.')}. {because or finding.rule.summary}"


def _summary(made: list[MadeCommit]) -> list[str]:
    lines = ["| # | code | service | file | safety |", "|---|---|---|---|---|"]
    for number, item in enumerate(made, 1):
        finding = item.fix.finding
        files = ", ".join(f"`{_cell(p)}`" for p in fix_paths(item.fix))
        lines.append(f"| {number} | {finding.code} | {_cell(finding.report.service or '-')} "
                     f"| {files} | {finding.report.safety.value} |")
    return lines


def _section(number: int, item: MadeCommit) -> list[str]:
    finding = item.fix.finding
    lines = ["", f"### {number}. {subject_of(item.commit)}", "",
             f"Commit {item.commit.hexsha[:12]}, rule {finding.code} `{finding.rule.name}` "
             f"(`fixer explain {finding.code}`).", "",
             f"**What changed:** {finding.report.fix_title or finding.message}", "",
             f"**Why:** {_why(finding)}", ""]
    for path, added, removed in diff_stats(item):
        lines.append(f"- `{path}`: +{added} -{removed}")
    return lines


def render(made: list[MadeCommit], branch: str) -> str:
    plural = "es" if len(made) != 1 else ""
    lines = [f"## fixer: {len(made)} automatic fix{plural}", "",
             f"Branch `{branch}` has one commit per fix, in this order. fixer verified each "
             "on the tree it makes: its finding is gone, no new finding appears, and no "
             "healthcheck gate, port reference, network or import that fixer could read and "
             "that worked before is broken by it. A later commit may build on an earlier one: "
             "revert from the end.", "", *_summary(made)]
    for number, item in enumerate(made, 1):
        lines += _section(number, item)
    return "\n".join(lines) + "\n"

"""The pull-request description for a fix branch, built from the commits actually made:
a summary table, then per commit what changed, why, and its diff statistics. A commit whose
fix settles other findings too (report/fixrun.py `settled_with`) names them, and its row and
the commits it reveals name their services. A commit whose finding only an earlier commit
revealed says which one, and "why" says what the finding breaks
in this repository, read from the tree its fix was made on (the report's impact text).
A long branch's body stops at whole commits below GitHub's size limit and counts the rest."""

from __future__ import annotations

from collections.abc import Mapping

from unidiff.patch import PatchSet

from fixer.core.config import Config
from fixer.engine import FixResult
from fixer.formats.diff import file_diff
from fixer.formats.report.fixrun import line_of, revealers
from fixer.formats.report.impact import Facts, impact_text
from fixer.git.branch import MadeCommit, fix_paths, repo_path, review_reasons
from fixer.git.ownership import subject_of
from fixer.model.rule import Finding, Safety, Severity

# GitHub refuses a pull-request body over 65,536 characters; the margin is for what a recipe
# or a reviewer adds to it. GitLab's limit is higher.
BODY_LIMIT = 60_000
_TABLE_HEAD = ["| # | code | service | file | safety |", "|---|---|---|---|---|"]


def diff_stats(made: MadeCommit) -> list[tuple[str, int, int]]:
    """(path, lines added, lines removed) per file of the commit, read by unidiff from
    the commit's diff; paths from the repository's root, as the commit names them."""
    fix = made.fix
    text = ""
    files = fix.files   # built on each access
    # `made.paths` are the fix's files in their order, as git names them (`repo_paths`)
    for path, shown in zip(fix_paths(fix), made.paths, strict=True):
        old, new = files[path]
        text += file_diff(shown, old, new)
    return [(p.path, p.added, p.removed) for p in PatchSet(text)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _why(finding: Finding, facts: Facts) -> str:
    """The finding itself, then what it breaks here: the rule's "Why is this bad?" with only
    the claims the repository bears out ("every service that waits for it never starts"
    only where some service waits for it, named)."""
    because = impact_text(finding.rule, [finding], facts)
    return f"{finding.message.rstrip('.')}. {because or finding.rule.summary}"


def _revealed(number: int | None, made: list[MadeCommit]) -> list[str]:
    """The line of a commit whose finding appears only once commit `number` is in."""
    if number is None:
        by = "an earlier commit"
    else:   # every service that commit settles a finding of: `C005 mq, db`
        item = made[number - 1]
        by = f"commit {number} ({item.fix.finding.code} {_services(item)})"
    return [f"**Revealed by {by}:** `fixer check` on the base does not show this finding; "
            "it appears only once that commit is in.", ""]


def _made_on_top(item: MadeCommit, made: list[MadeCommit], revealer: int | None) -> list[str]:
    """The line of a commit made on top of earlier ones (`report/fixrun.py` `built_on`)
    besides the one that revealed its finding, which the line above names."""
    earlier = [j for j in item.builds_on if j + 1 != revealer]
    if not earlier:
        return []
    on = ", ".join(f"commit {j + 1} ({made[j].fix.finding.code} {_services(made[j])})"
                   for j in earlier)
    which = "that commit" if len(earlier) == 1 else "any of them"
    return [f"**Builds on {on}:** reverting {which} leaves this one short: revert from the "
            "end.", ""]


def _services(item: MadeCommit) -> str:
    """Every service the commit settles a finding of, its own finding's first (`mq, db`)."""
    return ", ".join(line_of(item.fix.finding, item.settles).services) or "-"


def _row(number: int, item: MadeCommit) -> str:
    finding = item.fix.finding
    files = ", ".join(f"`{_cell(p)}`" for p in item.paths)
    return (f"| {number} | {finding.code} | {_cell(_services(item))} "
            f"| {files} | {finding.safety.value} |")


def _also_settled(item: MadeCommit) -> list[str]:
    """The other findings the commit settles: no commit of their own follows for them."""
    if not item.settles:
        return []
    return ["**Also settles:** " + "; ".join(
        f"{f.code} `{f.service or '-'}`: {f.message.rstrip('.')}" for f in item.settles)
        + ".", ""]


def _more(left: int, shown: int, branch: str) -> list[str]:
    """The paragraph that counts the commits the body leaves out (after a blank line: a
    line right below a table would be read as one of its rows)."""
    if not left:
        return []
    plural = "es" if left != 1 else ""
    return ["", f"**…and {left} more fix{plural}** (commits {shown + 1} to {shown + left} of "
                f"`{branch}`): see the report artifact; each commit's message says what it "
                "changes and why."]


def _section(number: int, made: list[MadeCommit], by: Mapping[int, int | None],
             known: dict[int, Facts]) -> list[str]:
    item = made[number - 1]
    finding = item.fix.finding
    facts = _facts(item, known)
    lines = ["", f"### {number}. {subject_of(item.commit)}", "",
             f"Commit {item.commit.hexsha[:12]}, rule {finding.code} `{finding.rule.name}` "
             f"(`fixer explain {finding.code}`).", ""]
    if number in by:
        lines += _revealed(by[number], made)
    lines += _made_on_top(item, made, by.get(number))
    title = finding.fix_title or finding.message
    if finding.reason and title.endswith(f" ({finding.reason})"):   # said below, once
        title = title[:-len(finding.reason) - 3]
    lines += [f"**What changed:** {title}", "",
              f"**Why:** {_why(finding, facts)}", "", *_also_settled(item)]
    reasons = review_reasons(finding, item.settles)   # what the reviewer must judge
    if len(reasons) == 1:
        lines += [f"**Review before merging (unsafe fix):** {reasons[0]}", ""]
    elif reasons:
        lines += ["**Review before merging (unsafe fix):**", "",
                  *(f"- {reason}" for reason in reasons), ""]
    for path, added, removed in diff_stats(item):
        lines.append(f"- `{path}`: +{added} -{removed}")
    return lines


def _facts(item: MadeCommit, known: dict[int, Facts]) -> Facts:
    """What the impact text may claim about the tree the fix was made on, where its finding
    was found (the tree before its round: the fixes of one round touch other text, and are
    verified each on its own). Read once per round, so a long branch costs one read per
    round, not per commit."""
    ws = item.fix.planned_on
    if id(ws) not in known:
        # the first commit's tree is the repository's own: what its conventions are
        base = next(iter(known.values())).ws if known else ws
        known[id(ws)] = Facts.of(ws, base)
    return known[id(ws)]


def _commit_numbers(result: FixResult, config: Config) -> dict[int, int | None]:
    """Commit number of each revealed fix -> that of the commit revealing it. One commit is
    made per applied fix, in order, so commit k is `result.applied[k - 1]`."""
    return {index + 1: None if earlier is None else earlier + 1
            for index, earlier in revealers(result, config).items()}


def _revealed_count(by: Mapping[int, int | None]) -> str:
    if not by:
        return ""
    if len(by) == 1:
        return (" 1 of them fixes a finding that appears only once an earlier commit is in; "
                "it says which.")
    return (f" {len(by)} of them fix findings that appear only once an earlier commit is in; "
            "each says which.")


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def render(made: list[MadeCommit], branch: str, result: FixResult, config: Config,
           limit: int = BODY_LIMIT, prefix: str = "") -> str:
    """The body for the commits `made` from the fix run `result`, one per applied fix: the
    first commits whose table row and section fit in `limit` characters, whole, and a count
    of the others. Paths are from the repository's root, as the commits name them (`prefix`:
    the checked folder's path from there)."""
    by = _commit_numbers(result, config)
    head = [*_intro(len(made), branch, by), "", *_TABLE_HEAD]
    # room for the count of the commits left out, at its longest
    room = limit - _size(head) - _size(_more(len(made), len(made), branch))
    known: dict[int, Facts] = {}
    rows: list[str] = []
    sections: list[str] = []
    for number in range(1, len(made) + 1):
        row, section = _row(number, made[number - 1]), _section(number, made, by, known)
        room -= len(row) + 1 + _size(section)
        if room < 0:
            break
        rows.append(row)
        sections += section
    left = _left_by_hand(result, prefix)
    lines = [*head, *rows, *_more(len(made) - len(rows), len(rows), branch), *left, *sections]
    return "\n".join(lines) + "\n"


# how many of the errors the branch leaves the body lists (the report artifact has them all)
_LEFT_SHOWN = 20


def _left_by_hand(result: FixResult, prefix: str) -> list[str]:
    """The errors the branch does not fix (no fix, one held, an unsafe fix not taken, one
    that failed verification): a reviewer must not read the merged branch as a stack that
    now comes up."""
    left = [f for f in result.remaining if f.rule.severity is Severity.ERROR]
    if not left:
        return []
    how = "by hand or with `--unsafe-fixes`" if any(f.safety is Safety.UNSAFE for f in left) \
        else "by hand"
    lines = ["", f"**Still broken after this branch ({len(left)} "
                 f"error{'s' if len(left) != 1 else ''}, to fix {how}):**", ""]
    for finding in left[:_LEFT_SHOWN]:
        why = f" ({_cell(finding.reason)})" if finding.reason else ""
        lines.append(f"- `{_cell(repo_path(prefix, finding.path))}:{finding.line}` "
                     f"{finding.code}: {_cell(finding.message)}{why}")
    if len(left) > _LEFT_SHOWN:
        lines.append(f"- …and {len(left) - _LEFT_SHOWN} more (`fixer check`).")
    return lines


def _intro(count: int, branch: str, by: Mapping[int, int | None]) -> list[str]:
    plural = "es" if count != 1 else ""
    return [f"## fixer: {count} automatic fix{plural}", "",
            f"Branch `{branch}` has one commit per fix, in this order. fixer verified each "
            "on the tree it makes: its finding is gone, any other finding that appears is "
            "one fixer can fix in turn, one that was there but hidden (on a service the "
            "commit made buildable), or one held back by a defect the base already has (a "
            "gate on a service that stops at start-up), and no healthcheck gate, port "
            "reference, network or "
            "import that fixer could read and that worked before is broken by it. A later "
            f"commit may build on an earlier one: revert from the end.{_revealed_count(by)}"]


def stale_note(branch: str, base: str) -> str:
    """The comment that closes the pull request of a branch with nothing left to fix."""
    return (f"fixer: nothing is left to fix on {base[:12]}, so branch `{branch}` is stale: "
            "its fixes are in, or no longer apply. Closing its pull request.\n")

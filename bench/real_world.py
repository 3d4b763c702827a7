"""Measure fixer on exported public repositories (issue 9, "Measured on real repositories").

    python bench/real_world.py ROOT [--out DIR] [--verdicts FILE]

ROOT holds one folder per repository (`owner__name/`, with `owner__name.sha` beside it naming the
commit it was exported from). For each, fixer runs as a user would: `check --format json`, `fix`
(dry run: the safe diff), `fix --unsafe-fixes` (dry run, counted), and `fix --branch` in a scratch
git copy, whose one commit per fix is the unit a maintainer reviews. OUT (default `ROOT-results`)
gets `<repo>/{findings.json,safe.diff,unsafe.diff,fixes.patch,stderr.txt}` and `summary.md`.

A review is a TSV file (`repo<TAB>commit subject<TAB>correct|poor|wrong`); with `--verdicts` the
summary counts it and lists the safe fixes nobody has reviewed yet, so a re-run after the rules
change shows what is new.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# -P: a repository under test that holds a `fixer/` folder must not shadow the package.
FIXER = [sys.executable, "-P", "-m", "fixer.cli"]
VERDICTS = ("correct", "poor", "wrong")
# A scratch repository needs an identity to commit; no user configuration is read.
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


@dataclass
class Row:
    repo: str
    sha: str
    by_code: Counter[str] = field(default_factory=Counter)
    safe: int = 0
    unsafe: int = 0
    errors: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)


def run(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)


def fix_count(stderr: str) -> int:
    found = re.search(r"(?:Would apply|Applied) (\d+) fix", stderr)
    return int(found.group(1)) if found else 0


def findings(repo: Path, row: Row, out: Path) -> None:
    """Count `check` findings by code and fix safety (display-only when there is no fix)."""
    done = run([*FIXER, "check", str(repo), "--format", "json", "--exit-zero"])
    (out / "findings.json").write_text(done.stdout)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        row.errors.append(f"check: exit {done.returncode}: {done.stderr.strip()[-300:]}")
        return
    for item in report["findings"]:
        safety = item["fix"]["safety"] if item["fix"] else "display-only"
        row.by_code[f"{item['code']} {safety}"] += 1
    row.errors.extend(f"check: {error}" for error in report.get("errors", []))


def dry_runs(repo: Path, row: Row, out: Path) -> str:
    """The safe and the unsafe dry-run diffs; returns their stderr for the record."""
    logs = []
    for name, extra in (("safe", []), ("unsafe", ["--unsafe-fixes"])):
        done = run([*FIXER, "fix", str(repo), "--no-color", *extra])
        (out / f"{name}.diff").write_text(done.stdout)
        setattr(row, name, fix_count(done.stderr))
        logs.append(f"== fix ({name}), exit {done.returncode}\n{done.stderr}")
        if done.returncode == 2:
            row.errors.append(f"fix ({name}) exited 2 (a fix failed verification or input)")
    return "\n".join(logs)


def branch_patch(repo: Path, row: Row, out: Path) -> str:
    """One commit per safe fix, as the pull request from CI would carry them."""
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / repo.name
        shutil.copytree(repo, work, symlinks=True)
        run([*GIT, "init", "-q"], work)
        run([*GIT, "add", "-A"], work)
        run([*GIT, "commit", "-qm", "exported"], work)
        done = run([*FIXER, "fix", ".", "--no-color", "--branch", "fixer-review"], work)
        log = run([*GIT, "log", "--reverse", "-p", "--format=### %s%n%n%b", "HEAD..fixer-review"],
                  work)
        subjects = run([*GIT, "log", "--reverse", "--format=%s", "HEAD..fixer-review"], work)
    (out / "fixes.patch").write_text(log.stdout)
    row.subjects = subjects.stdout.splitlines()
    return f"== fix --branch, exit {done.returncode}\n{done.stderr}"


def measure(repo: Path, out: Path) -> Row:
    sha_file = repo.with_name(repo.name + ".sha")
    row = Row(repo.name, sha_file.read_text().strip()[:12] if sha_file.exists() else "?")
    out.mkdir(parents=True, exist_ok=True)
    findings(repo, row, out)
    logs = [dry_runs(repo, row, out), branch_patch(repo, row, out)]
    (out / "stderr.txt").write_text("\n".join(logs))
    if len(row.subjects) != row.safe:
        row.errors.append(f"branch has {len(row.subjects)} commits, dry run {row.safe} fixes")
    return row


def load_verdicts(path: Path | None) -> dict[tuple[str, str], str]:
    verdicts: dict[tuple[str, str], str] = {}
    for line in path.read_text().splitlines() if path else []:
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2] in VERDICTS:
            verdicts[(parts[0], parts[1])] = parts[2]
    return verdicts


def summary(rows: list[Row], verdicts: dict[tuple[str, str], str]) -> str:
    head = ("| repository | commit | findings | display-only | safe fixes | + unsafe fixes | "
            "correct | poor | wrong | unreviewed |\n|---|---|---|---|---|---|---|---|---|---|\n")
    lines, total, unreviewed = [], Counter[str](), []
    for row in rows:
        seen = Counter(verdicts.get((row.repo, s), "unreviewed") for s in row.subjects)
        unreviewed += [f"- {row.repo}: {s}" for s in row.subjects if (row.repo, s) not in verdicts]
        shown = sum(n for key, n in row.by_code.items() if key.endswith("display-only"))
        counts = Counter(findings=sum(row.by_code.values()), display=shown, safe=row.safe,
                         unsafe=row.unsafe - row.safe, **seen)
        total.update(counts)
        lines.append(_cells(f"{row.repo} | {row.sha}", counts))
    lines.append(_cells("**total** | ", total))
    codes = Counter[str]()
    for row in rows:
        codes.update(row.by_code)
    errors = [f"- {row.repo}: {e}" for row in rows for e in row.errors]
    by_code = "\n".join(f"- {key}: {n}" for key, n in sorted(codes.items()))
    return (head + "\n".join(lines) + "\n\n## Findings by code and safety\n\n" + by_code
            + "\n\n## Errors\n\n" + ("\n".join(errors) or "none")
            + "\n\n## Safe fixes not reviewed\n\n" + ("\n".join(unreviewed) or "none") + "\n")


def _cells(lead: str, c: Counter[str]) -> str:
    keys = ("findings", "display", "safe", "unsafe", "correct", "poor", "wrong", "unreviewed")
    return f"| {lead} | " + " | ".join(str(c[k]) for k in keys) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder of exported repositories")
    parser.add_argument("--out", type=Path, help="results folder (default: ROOT-results)")
    parser.add_argument("--verdicts", type=Path, help="TSV review: repo, subject, verdict")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    out: Path = args.out or root.with_name(root.name + "-results")
    repos = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    rows = []
    for repo in repos:
        print(f"{repo.name} ...", file=sys.stderr)
        rows.append(measure(repo, out / repo.name))
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.md").write_text(summary(rows, load_verdicts(args.verdicts)))
    print(f"{len(rows)} repositories; summary in {out / 'summary.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the cost of writing one commit per fix for `fixer fix --branch`.

    python bench/branch_commits.py [N_SERVICES]

Generates an N-service repository (bench/generate.py), commits it, runs the fix engine
on the commit once, then times writing the commits (blobs, trees and commit objects,
in-process, no index, no checkout) and, for comparison, the whole `--branch` run.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

import git  # noqa: E402

from fixer import engine  # noqa: E402
from fixer.cli import main as fixer_main  # noqa: E402
from fixer.core.config import Config  # noqa: E402
from fixer.git.gitsource import CommitSource  # noqa: E402
from fixer.git.branch import DEFAULT_AUTHOR, Signature, commit_date, make_commits  # noqa: E402
from fixer.app.registry import discover  # noqa: E402
from fixer.core.tree import Tree  # noqa: E402

SERVICES = 200


def committed_repo(root: Path, services: int) -> git.Repo:
    generate(root, services)
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
           "PATH": "/usr/bin:/bin:/usr/local/bin"}
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *argv], cwd=root, env=env, check=True)
    return git.Repo(root)


def main() -> int:
    services = int(sys.argv[1]) if len(sys.argv) > 1 else SERVICES
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        repo = committed_repo(root, services)
        base = repo.head.commit
        start = time.perf_counter()
        result = engine.fix(Tree(CommitSource(repo, base)), discover(), Config())
        fixing = time.perf_counter() - start
        fixes = len(result.applied)
        print(f"{services} services, {len(list(base.tree.traverse()))} tree entries: "
              f"{fixes} fixes, engine {fixing:.2f} s")
        if not fixes:
            print("nothing to fix: no commit to time")
            return 0
        start = time.perf_counter()
        made = make_commits(repo, base, "", result.applied,
                            Signature(DEFAULT_AUTHOR, DEFAULT_AUTHOR, commit_date()))
        writing = time.perf_counter() - start
        print(f"writing {len(made)} commits: {writing * 1000:.0f} ms, "
              f"{writing * 1000 / len(made):.2f} ms per commit")
        start = time.perf_counter()
        code = fixer_main(["fix", str(root), "--branch", "fixer/bench"])
        whole = time.perf_counter() - start
        print(f"whole `fixer fix --branch` run (exit {code}): {whole:.2f} s, "
              f"{whole * 1000 / len(made):.1f} ms per commit including the engine")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The repository's git checkout tracks its layout and nothing else: a tree a benchmark or a
test generates at the top level must not be committed with the next change. (Not run from
the sdist, which holds no version control and only what MANIFEST.in takes.)"""

from __future__ import annotations

import subprocess

from support import REPO


# What the repository tracks at its top level: the required layout and the files around it.
# A tree a benchmark or a test generates there must not be committed with the next change.
TRACKED_TOP_LEVEL = {".ci", ".dockerignore", ".gitattributes", ".gitignore",
                     ".pre-commit-hooks.yaml", "CHANGELOG.md", "Dockerfile", "LICENSE",
                     "MANIFEST.in", "Makefile", "README.md", "action.yml", "bench", "docs",
                     "examples", "fixer", "golden", "pyproject.toml", "rules", "tests"}


def test_the_repository_tracks_only_its_layout() -> None:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                            check=True).stdout.decode("utf-8", "surrogateescape")
    top_level = {path.split("/")[0] for path in listed.split("\0") if path}
    assert top_level == TRACKED_TOP_LEVEL, top_level ^ TRACKED_TOP_LEVEL

"""A folder's `.gitignore` files read without git (fixer/core/ignorefiles.py), against git's
own answer (`git check-ignore`) on the same files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from fixer.core.ignorefiles import IgnoreFiles
from fixer.core.tree import GitIgnores, work_tree_root
from support import make_repo

IGNORE_FILES = {
    ".gitignore": "# generated\n.env*\n!.env.example\nbuild/\n/top.txt\nlogs/**\n*.log\n"
                  "!keep.log\ndocs/**/draft.md\n\\#hash\nspaced.txt   \n",
    "sub/.gitignore": "!.env.local\nsecret/\n/only-here.txt\n",
    "deep/a/.gitignore": "*.tmp\n!b/\n",
}
PATHS = [".env", ".env.example", "a/.env.sample", "sub/.env.local", "sub/.env.prod", "build/x.py",
         "a/build/x.py", "build", "top.txt", "a/top.txt", "logs/a/b.txt", "x.log", "keep.log",
         "sub/keep.log", "sub/secret/k", "secret/k", "sub/only-here.txt", "only-here.txt",
         "docs/draft.md", "docs/v1/v2/draft.md", "docs/readme.md", "#hash", "spaced.txt",
         "deep/a/x.tmp", "deep/x.tmp", "deep/a/b/c.tmp", "readme.md", "build/keep.log"]


@pytest.fixture(scope="module")
def git_answer(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    repo = make_repo(tmp_path_factory.mktemp("ignores") / "repo", IGNORE_FILES)
    asked = subprocess.run(["git", "-C", str(repo), "check-ignore", "--no-index", "--stdin"],
                           input="\n".join(PATHS), capture_output=True, text=True, check=False)
    assert asked.returncode in (0, 1), asked.stderr
    return set(asked.stdout.split())


@pytest.mark.parametrize("path", PATHS)
def test_ignore_files_agree_with_git(path: str, git_answer: set[str]) -> None:
    ignores = IgnoreFiles(IGNORE_FILES.get)
    assert ignores.ignores(path) == (path in git_answer)


def test_a_folder_with_no_ignore_file_ignores_nothing() -> None:
    assert not IgnoreFiles(lambda _path: None).ignores("a/.env")


def test_git_is_not_asked_outside_a_work_tree(tmp_path: Path) -> None:
    """The same answers from the folder alone: its files, no repository around them."""
    assert work_tree_root(tmp_path) is None
    for path, text in IGNORE_FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    assert GitIgnores(tmp_path).among([".env", ".env.example", "sub/secret/k"]) == \
        {".env", "sub/secret/k"}

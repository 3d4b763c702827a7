"""Facts carried across the trees of a fix run are used again only while every file they
read is the very same file."""

from __future__ import annotations

from fixer.core.derived import Memo, Read
from fixer.core.textfile import TextFile
from fixer.core.tree import MemorySource, Tree

LINES: Memo[int] = Memo("lines of a and of b when there is one")


def _count(read: Read, calls: list[str]) -> int:
    calls.append("computed")
    total = 0
    for path in ("a.txt", "b.txt"):
        file = read(path)
        total += len(file.text.splitlines()) if file is not None else 0
    return total


def _lines(tree: Tree, calls: list[str]) -> int:
    def read(path: str) -> TextFile | None:
        return tree.read(path) if tree.exists(path) else None
    return tree.carried.get(LINES, "key", read, lambda tracked: _count(tracked, calls))


def test_a_fact_is_used_again_on_a_tree_whose_files_it_read_did_not_change() -> None:
    calls: list[str] = []
    tree = Tree(MemorySource({"a.txt": "1\n2\n", "other.txt": "x\n"}))
    assert _lines(tree, calls) == 2
    unrelated = tree.with_files({"other.txt": TextFile("other.txt", "y\n")})
    assert _lines(unrelated, calls) == 2
    assert calls == ["computed"]


def test_a_fact_is_computed_again_when_a_file_it_read_changes() -> None:
    calls: list[str] = []
    tree = Tree(MemorySource({"a.txt": "1\n2\n"}))
    assert _lines(tree, calls) == 2
    assert _lines(tree.with_files({"a.txt": TextFile("a.txt", "1\n")}), calls) == 1
    assert calls == ["computed", "computed"]


def test_a_file_that_was_missing_and_appears_counts_as_a_change() -> None:
    calls: list[str] = []
    tree = Tree(MemorySource({"a.txt": "1\n"}))
    assert _lines(tree, calls) == 1
    assert _lines(tree.with_files({"b.txt": TextFile("b.txt", "2\n3\n")}), calls) == 3
    deleted = tree.with_files({"a.txt": None})
    assert _lines(deleted, calls) == 0
    assert calls == ["computed"] * 3


def test_trees_of_separate_runs_share_nothing() -> None:
    calls: list[str] = []
    files = {"a.txt": "1\n"}
    _lines(Tree(MemorySource(files)), calls)
    _lines(Tree(MemorySource(files)), calls)
    assert calls == ["computed", "computed"]


def test_a_run_collects_garbage_less_often_and_leaves_the_callers_thresholds() -> None:
    import gc

    from fixer.core.collector import YOUNGEST_THRESHOLD, fewer_collections
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] == YOUNGEST_THRESHOLD
        with fewer_collections():   # nested (check inside fix): still the run's setting
            assert gc.get_threshold()[0] == YOUNGEST_THRESHOLD
        assert gc.get_threshold()[0] == YOUNGEST_THRESHOLD
    assert gc.get_threshold() == before

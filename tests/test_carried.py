"""Facts carried across the trees of a fix run are used again only while everything they
read of the tree reads back the same: each file (the very same file), each existence asked
about, the listing when they asked for it. The trees note the reads as the fact runs."""

from __future__ import annotations

from kit import app_service
from kit import tree as memory_tree

from fixer.core import tree_index
from fixer.core.derived import Derived, Memo
from fixer.core.errors import InputError
from fixer.core.textfile import TextFile
from fixer.core.tree import MemorySource, Tree
from fixer.facts.pydeps.dependency_sources import Declared, declared
from fixer.model.workspace import Workspace

LINES: Memo[int] = Memo("lines of a and of b when there is one")
FOLDER: Memo[int] = Memo("files in the folder src")
OUTER: Memo[int] = Memo("lines, doubled")


def _lines(tree: Tree, calls: list[str]) -> int:
    def count() -> int:
        calls.append("computed")
        return sum(len(tree.read(path).text.splitlines())
                   for path in ("a.txt", "b.txt") if tree.exists(path))
    return tree.carried.remember(LINES, "key", tree, count)


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


def _in_src(tree: Tree, calls: list[str]) -> int:
    def count() -> int:
        calls.append("computed")
        return len(tree_index.files_under(tree, "src"))
    return tree.carried.remember(FOLDER, "src", tree, count)


def test_a_fact_that_asked_for_the_listing_sees_a_file_created_anywhere() -> None:
    calls: list[str] = []
    tree = Tree(MemorySource({"src/a.py": "", "b.txt": ""}))
    tree_index.files_under(tree, "src")   # the index exists before the fact asks for it
    assert _in_src(tree, calls) == 1
    assert _in_src(tree.with_files({"b.txt": TextFile("b.txt", "x")}), calls) == 1
    assert _in_src(tree.with_files({"src/c.py": TextFile("src/c.py", "")}), calls) == 2
    assert calls == ["computed", "computed"]


def test_a_fact_inside_another_hands_its_reads_on_even_when_it_is_not_computed() -> None:
    calls: list[str] = []
    tree = Tree(MemorySource({"a.txt": "1\n"}))
    _lines(tree, calls)   # kept: the outer fact below uses it without computing it

    def outer(on: Tree) -> int:
        return on.carried.remember(OUTER, "key", on, lambda: 2 * _lines(on, calls))

    assert outer(tree) == 2
    assert outer(tree.with_files({"a.txt": TextFile("a.txt", "1\n2\n")})) == 4
    assert calls == ["computed", "computed"]


def test_a_fact_that_asks_a_workspace_or_service_fact_is_not_carried() -> None:
    calls: list[str] = []
    shared = Derived(shared=True)
    tree = Tree(MemorySource({"a.txt": "1\n"}))

    def count() -> int:
        calls.append("computed")
        return len(tree.read("a.txt").text) + shared.get(LINES, lambda: 1)

    for _ in range(2):
        assert tree.carried.remember(OUTER, "key", tree, count) == 3
    assert calls == ["computed", "computed"]


def test_a_fact_that_met_an_unreadable_file_is_not_carried() -> None:
    calls: list[str] = []
    tree = Tree(MemorySource({"b.bin": b"\x00\x01binary"}))   # not text

    def count() -> int:
        calls.append("computed")
        try:
            return len(tree.read("b.bin").text)
        except InputError:   # each workspace reports the file itself
            return 0

    for _ in range(2):
        assert tree.carried.remember(OUTER, "key", tree, count) == 0
    assert calls == ["computed", "computed"]


def _installed(tree: Tree) -> tuple[Declared, Workspace]:
    ws = Workspace.load(tree)
    app = next(ws.apps()).app
    return declared(ws, app.build.context, app.dockerfile, app.stage), ws


def test_what_an_image_installs_follows_its_requirements_across_rounds() -> None:
    first = memory_tree(app_service(requirements="fastapi\n"))
    before, _ = _installed(first)
    compose = first.read("compose.yaml")   # every round changes the compose file
    later = first.with_files({"compose.yaml": compose.with_text(compose.text + "\n")})
    assert _installed(later)[0] is before   # carried: nothing it read changed
    requirements = first.read("api/requirements.txt")
    edited = later.with_files({"api/requirements.txt": requirements.with_text("fastapi\nuvicorn\n")})
    after, _ = _installed(edited)
    assert not before.has("uvicorn") and after.has("uvicorn")


def test_a_keyed_fact_is_computed_once_per_key_none_included() -> None:
    """`Derived.keyed` keeps one value per key under one memo: each key's computation runs
    once, a None value is kept as a value, and other keys are computed on their own."""
    owner = Derived()
    per_stage: Memo[dict[int, str | None]] = Memo("a fact per stage")
    calls: list[int] = []

    def compute(index: int) -> str | None:
        calls.append(index)
        return None if index == 0 else f"stage {index}"

    assert [owner.keyed(per_stage, i, lambda i=i: compute(i)) for i in (0, 1, 0, 1, 2)] == \
        [None, "stage 1", None, "stage 1", "stage 2"]
    assert calls == [0, 1, 2]

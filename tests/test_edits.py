"""Splices: non-overlapping edits apply as if one by one, overlapping ones are refused, and
whole-file edits do not mix with others."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.core.edits import (CreateFile, DeleteFile, EditConflict, SharedPoint, TextEdit,
                               apply_to_texts, splice)


def one_by_one(text: str, edits: list[TextEdit]) -> str:
    """Left to right, each edit's offsets moved by what the earlier ones added or removed."""
    shift = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        text = text[: edit.start + shift] + edit.text + text[edit.end + shift:]
        shift += len(edit.text) - (edit.end - edit.start)
    return text


@st.composite
def text_and_edits(draw: st.DrawFn) -> tuple[str, list[TextEdit]]:
    text = draw(st.text(alphabet="ab\r\n ", max_size=40))
    points = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    edits = []
    for start, end in zip(points, points[1:]):  # spans between distinct points: disjoint
        if draw(st.booleans()):
            edits.append(TextEdit("f", start, end, draw(st.text(alphabet="XY\n", max_size=4))))
    for point in points:  # at most one insertion per point, beside the spans
        if draw(st.booleans()):
            edits.append(TextEdit("f", point, point, draw(st.text(alphabet="Z", min_size=1,
                                                                  max_size=3))))
    return text, draw(st.permutations(edits))


@pytest.mark.slow  # hypothesis: many generated examples
@settings(max_examples=80, deadline=None)
@given(text_and_edits())
def test_splice_equals_one_by_one(case: tuple[str, list[TextEdit]]) -> None:
    text, edits = case
    assert splice(text, edits) == one_by_one(text, edits)


def test_splice_keeps_everything_outside_the_edits() -> None:
    text = "a: 1\r\nb: 2\r\nc: 3"
    assert splice(text, [TextEdit("f", 3, 4, "10"), TextEdit("f", 15, 16, "30")]) == \
        "a: 10\r\nb: 2\r\nc: 30"


@pytest.mark.parametrize("spans", [
    pytest.param([(0, 4), (2, 6)], id="crossing"),
    pytest.param([(0, 6), (2, 3)], id="nested"),
    pytest.param([(1, 3), (1, 3)], id="same-span"),
    pytest.param([(2, 2), (2, 2)], id="two-insertions-at-one-point"),
    pytest.param([(0, 4), (3, 3)], id="insertion-inside-a-span"),
])
def test_overlapping_edits_are_refused(spans: list[tuple[int, int]]) -> None:
    edits = [TextEdit("Dockerfile", s, e, "x") for s, e in spans]
    with pytest.raises(EditConflict, match="Dockerfile: overlapping edits"):
        splice("0123456789", edits)


@pytest.mark.parametrize("span", [(-1, 2), (3, 2), (5, 11)])
def test_edits_outside_the_text_are_refused(span: tuple[int, int]) -> None:
    with pytest.raises(EditConflict, match="outside the file"):
        splice("0123456789", [TextEdit("f", span[0], span[1], "x")])


def test_touching_edits_are_not_overlapping() -> None:
    edits = [TextEdit("f", 0, 2, "A"), TextEdit("f", 2, 4, "B"), TextEdit("f", 4, 4, "C")]
    assert splice("0123456", edits) == "ABC456"


def test_apply_to_texts_creates_deletes_and_splices() -> None:
    result = apply_to_texts(
        {"a": "hello", "b": "bye", "c": None},
        [TextEdit("a", 0, 1, "j"), DeleteFile("b"), CreateFile("c", "")],
    )
    assert result == {"a": "jello", "b": None, "c": ""}


@pytest.mark.parametrize(("texts", "edits", "message"), [
    pytest.param({"a": "x"}, [CreateFile("a", "y")], "cannot create", id="create-existing"),
    pytest.param({"a": None}, [DeleteFile("a")], "cannot delete", id="delete-missing"),
    pytest.param({"a": None}, [TextEdit("a", 0, 0, "y")], "cannot edit", id="edit-missing"),
    pytest.param({"a": "x"}, [DeleteFile("a"), TextEdit("a", 0, 1, "y")], "together",
                 id="delete-and-edit"),
])
def test_impossible_file_edits_are_refused(texts: dict[str, str | None],
                                           edits: list[TextEdit | CreateFile | DeleteFile],
                                           message: str) -> None:
    with pytest.raises(EditConflict, match=message):
        apply_to_texts(texts, edits)


def _paragraph(name: str, rank: int, family: str = "docs") -> TextEdit:
    return TextEdit("f", 4, 4, f"[{name}]", SharedPoint(family, (rank,), name))


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1], [1, 2, 0]])
def test_insertions_that_share_a_point_go_in_order_of_rank(order: list[int]) -> None:
    paragraphs = [_paragraph("a", 1), _paragraph("b", 5), _paragraph("c", 9)]
    assert splice("head", [paragraphs[i] for i in order]) == "head[a][b][c]"


@pytest.mark.parametrize("edits", [
    pytest.param([_paragraph("a", 1), _paragraph("a", 2)], id="one-name-twice"),
    pytest.param([_paragraph("a", 1), _paragraph("b", 2), _paragraph("a", 3)],
                 id="one-name-twice-apart"),
    pytest.param([_paragraph("a", 1), _paragraph("b", 2, family="other")], id="two-families"),
    pytest.param([_paragraph("a", 1), TextEdit("f", 4, 4, "x")], id="one-without-a-share"),
])
def test_insertions_that_may_not_share_a_point_are_refused(edits: list[TextEdit]) -> None:
    with pytest.raises(EditConflict, match="f: overlapping edits at offset"):
        splice("head", edits)

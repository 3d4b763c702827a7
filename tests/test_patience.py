"""The patience line diff: its opcodes rebuild the new lines from the old ones exactly, and
its hunks group them as difflib groups the same opcodes."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.formats.patience import Opcode, hunks, opcodes

lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "interval: 30s\n", "x\r\n", "y"]),
                 max_size=40)


def rebuild(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    previous_end = (0, 0)
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        assert (i1, j1) == previous_end, "opcodes must tile both sides"
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out.extend(a[i1:i2])
        else:
            out.extend(b[j1:j2])
        previous_end = (i2, j2)
    assert previous_end == (len(a), len(b))
    return out


@pytest.mark.slow  # hypothesis: many generated examples
@settings(max_examples=300, deadline=None)
@given(lines, lines)
def test_opcodes_turn_old_into_new(a: list[str], b: list[str]) -> None:
    assert rebuild(a, b) == b


def test_large_file_with_repeated_lines_keeps_a_small_diff() -> None:
    a = [f"  svc{i}:\n    interval: 30s\n" for i in range(3000)]
    old = "".join(a).splitlines(keepends=True)
    new = list(old)
    new.insert(2001, "    depends_on: [db]\n")
    changes = [op for op in opcodes(old, new) if op[0] != "equal"]
    assert changes == [("insert", 2001, 2001, 2001, 2002)]


class _Given(difflib.SequenceMatcher):  # type: ignore[type-arg]
    """difflib's grouping over opcodes we hand it."""

    def __init__(self, codes: list[Opcode]) -> None:
        super().__init__(None, [], [])
        self.codes = codes

    def get_opcodes(self) -> list[Opcode]:
        return list(self.codes)


@pytest.mark.slow  # hypothesis: many generated examples
@settings(max_examples=300, deadline=None)
@given(lines, lines, st.integers(min_value=0, max_value=4))
def test_hunks_group_as_difflib_does(a: list[str], b: list[str], context: int) -> None:
    """The grouping a unified diff reader expects: difflib's, on the same opcodes."""
    expected = list(_Given(opcodes(a, b)).get_grouped_opcodes(context))
    assert hunks(a, b, context) == [list(group) for group in expected]

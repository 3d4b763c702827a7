"""The patience line diff: its opcodes rebuild the new lines from the old ones exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixer.formats.patience import PatienceMatcher

lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "interval: 30s\n", "x\r\n", "y"]),
                 max_size=40)


def rebuild(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    previous_end = (0, 0)
    for tag, i1, i2, j1, j2 in PatienceMatcher(a, b).get_opcodes():
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
    changes = [op for op in PatienceMatcher(old, new).get_opcodes() if op[0] != "equal"]
    assert changes == [("insert", 2001, 2001, 2001, 2002)]

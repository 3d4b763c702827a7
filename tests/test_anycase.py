"""`holds_any_case` answers as `re.search(re.escape(word), text, re.I)` does."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from fixer.core.anycase import holds_any_case, lowered

# ASCII, and the characters `re.I` or `str.lower` relate to ASCII letters: dotted and dotless
# i, long s, the Kelvin and Angstrom signs, sharp s, final and other sigma, an emoji
_TEXT = st.text(alphabet=st.sampled_from(list("aiksAIKS.e-nv/_") + [
    "\u0130", "\u0131", "\u017f", "\u212a", "\u212b", "\u00df", "\u03a3", "\u03c2",
    "\U0001f680"]), max_size=12)
_WORD = st.text(alphabet=st.sampled_from(list("aiksAIKS.e-nv/_")), min_size=1, max_size=4)


@given(_WORD, _TEXT)
def test_answers_as_a_search_that_ignores_case(word: str, text: str) -> None:
    expected = re.search(re.escape(word), text, re.I) is not None
    assert holds_any_case(word, text, lowered(text)) is expected
    assert holds_any_case(word, text) is expected


def test_the_characters_lowering_tells_apart_from_what_re_i_matches() -> None:
    # `re.I` takes each for an ASCII letter, which the lowered text alone would miss
    for word, text in (("i", "\u0130"), ("i", "\u0131"), ("s", "\u017f"),
                       ("ens", "copy to .en\u017f"), ("in", "\u0130N")):
        assert re.search(re.escape(word), text, re.I) is not None
        assert holds_any_case(word, text, lowered(text))
    assert holds_any_case("k", "\u212a", lowered("\u212a"))   # lowers to k, as re.I
    assert holds_any_case(".env", "copy to .ENV", lowered("copy to .ENV"))
    assert not holds_any_case(".env", "README: .ENx", lowered("README: .ENx"))

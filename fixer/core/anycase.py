"""Whether a text holds a word in any case, as `re.search(re.escape(word), text, re.I)`
finds it, without the cost of such a search where the text is long and asked often.

A search that ignores case cannot use the fast scan for a fixed string, and a pattern that
ignores case is checked against every guide of a repository for every file a rule asks
about: hundreds of Markdown files for dozens of env files took seconds. Lowering the text
once and looking the lowered word up in it gives the same answer for a word of ASCII, in a
text without the three characters `re.I` takes for an ASCII letter though `str.lower`
does not: `İ` (U+0130, which lowers to two characters), `ı` (U+0131, `i`) and `ſ`
(U+017F, `s`). The Kelvin sign lowers to `k`, as `re.I` takes it. Anything else is
searched as `re.I` searches.
"""

from __future__ import annotations

import re

# (the text lowered, whether an ASCII word found in it so is found as `re.I` finds it)
Lowered = tuple[str, bool]

_FOLDED_APART = ("\u0130", "\u0131", "\u017f")


def lowered(text: str) -> Lowered:
    """The text in lower case, and whether its characters lower as `re.I` matches them."""
    return text.lower(), not any(char in text for char in _FOLDED_APART)


def holds_any_case(word: str, text: str, lowered_text: Lowered | None = None) -> bool:
    """Whether `text` holds `word` in any case, as `re.I` matches it; `lowered_text`: the
    text's `lowered`, where a caller keeps it."""
    if lowered_text is not None and lowered_text[1] and word.isascii():
        return word.lower() in lowered_text[0]
    return re.search(re.escape(word), text, re.I) is not None

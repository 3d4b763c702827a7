"""Wording of messages: code quoted short is cut at a whole word, and says so."""

from __future__ import annotations

import pytest

from fixer.core.wording import clipped


@pytest.mark.parametrize(("code", "most", "shown"), [
    pytest.param("admin.add_view(UserAdminView)", 60, "admin.add_view(UserAdminView)",
                 id="fits"),
    pytest.param("Admin(app, engine, authentication_backend=authentication_backend)", 50,
                 "Admin(app, engine, authentication_backend=...", id="cut-before-a-name"),
    pytest.param("a_very_long_identifier_with_no_break_at_all", 10, "a_very_lon...",
                 id="one-long-name"),
])
def test_clipped_never_ends_in_the_middle_of_a_name(code: str, most: int, shown: str) -> None:
    assert clipped(code, most) == shown

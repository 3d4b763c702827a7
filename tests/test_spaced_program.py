"""An exec-form healthcheck whose program item holds a whole command line never passes."""

from __future__ import annotations

import pytest

from fixer.facts.health.probes import spaced_program


@pytest.mark.parametrize("test", [
    ["CMD", "pg_isready -U app"],
    ["CMD", "pg_isready -U ${DB_USER} -d ${DB_NAME}"],
    ["CMD", "curl -f http://localhost:8000/health", "extra"],
    ["CMD", " redis-cli ping"],
])
def test_a_program_item_with_spaces_never_runs(test: list[str]) -> None:
    why = spaced_program(test)
    assert why is not None and f"`{test[1]}`" in why


@pytest.mark.parametrize("test", [
    ["CMD", "pg_isready", "-U", "app"],
    ["CMD-SHELL", "pg_isready -U app"],
    ["pg_isready -U app"],              # a string test runs in a shell
    ["CMD", "redis-cli "],              # trailing blanks only: not a command line
    ["CMD"],
    ["NONE"],
])
def test_other_forms_are_not_judged_here(test: list[str]) -> None:
    assert spaced_program(test) is None

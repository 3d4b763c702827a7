"""Compose interpolation (`${VAR:-default}`, `${VAR:+alternative}`), and what a value needs
from the shell that runs Compose: `unset_names`, shared by the build args fixer can know and
S001's unresolved Dockerfile names; the values of `.env` lines, as compose-go's dotenv reads
them."""

from __future__ import annotations

import pytest

from fixer.core.envfile import interpolate, parse_env, references, unset_names


@pytest.mark.parametrize(("value", "env", "unset"), [
    ("Dockerfile.${APP_ENV}", {}, ["APP_ENV"]),
    ("Dockerfile.${APP_ENV:?set it}", {}, ["APP_ENV"]),     # required: still unset
    ("Dockerfile.$APP_ENV", {}, ["APP_ENV"]),
    ("Dockerfile.${APP_ENV:-dev}", {}, []),                  # a default covers it
    ("Dockerfile.${APP_ENV-dev}", {}, []),
    ("${A:+on}", {}, ["A"]),                                 # an alternative needs A set
    ("Dockerfile.${APP_ENV}", {"APP_ENV": "dev"}, []),
    ("plain", {}, []),
    ("pa$$word", {}, []),                                    # an escaped dollar reads none
    ("pa$$$WORD", {}, ["WORD"]),                             # one, then a variable
])
def test_unset_names(value: str, env: dict[str, str], unset: list[str]) -> None:
    assert unset_names(value, env) == unset


@pytest.mark.parametrize(("value", "env", "expected"), [
    ("redis://${P:+:$P@}redis", {"P": "pw"}, "redis://:pw@redis"),   # the alternative, read
    ("redis://${P:+:$P@}redis", {}, "redis://redis"),                 # unset: nothing, as meant
    ("${P:+on}", {"P": ""}, ""),                                       # `:+` wants a value
    ("${P+on}", {"P": ""}, "on"),                                      # `+` only that it is set
    ("${P:-dev}", {}, "dev"),
])
def test_interpolate_alternatives(value: str, env: dict[str, str], expected: str) -> None:
    assert interpolate(value, env) == expected


def test_an_alternative_is_no_bare_reference() -> None:
    """`${P:+...}` is empty while P is unset, by design: nothing to document (C006)."""
    [ref] = references("redis://${P:+:$P@}redis")
    assert (ref.name, ref.operator, ref.bare) == ("P", ":+", False)


@pytest.mark.parametrize(("line", "value"), [
    ('FLAVOR="dev"      # dev | prod', "dev"),           # a comment after the closing quote
    ("PORT='8000'     # host port", "8000"),
    ('export URL="postgresql://a:p#w@db/a"  # local', "postgresql://a:p#w@db/a"),
    ("NAME=plain value # a comment", "plain value"),     # unquoted: ends at ` #`
    ("NAME=a#b", "a#b"),                                 # a `#` inside the value is its own
    (r'MSG="say \"hi\"\nbye"', 'say "hi"\nbye'),         # double quotes expand escapes
    (r'PRICE="\$5"', "$$5"),                             # an escaped dollar stays one
    (r"RAW='a\nb \'c\''", "a\\nb 'c'"),                  # single quotes: only `\'`
    ('OPEN="not closed', '"not closed'),                 # a value over several lines
])
def test_env_line_values(line: str, value: str) -> None:
    [(_key, found)] = parse_env(line).items()
    assert found == value


def test_a_default_is_read_to_its_closing_brace() -> None:
    """A default holds interpolations of its own (`${URL:-postgres://${USER}@db/${NAME}}`):
    each is a reference, and Compose closes their braces before the default's."""
    value = "${URL:-postgresql://${DB_USER}:${DB_PASSWORD}@db/${DB_NAME}}"
    assert [(r.name, r.bare) for r in references(value)] == [
        ("URL", False), ("DB_USER", True), ("DB_PASSWORD", True), ("DB_NAME", True)]
    assert references(value)[0].default == "postgresql://${DB_USER}:${DB_PASSWORD}@db/${DB_NAME}"
    env = {"DB_USER": "u", "DB_PASSWORD": "p", "DB_NAME": "n"}
    assert interpolate(value, env) == "postgresql://u:p@db/n"
    assert interpolate(value, {**env, "URL": "sqlite://"}) == "sqlite://"
    assert unset_names("${B:-db+${SYNC_URL}}", {}) == ["SYNC_URL"]
    assert unset_names("${B:-db+${SYNC_URL}}", {"B": "x"}) == []

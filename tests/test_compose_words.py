"""A compose `command:` string splits into the words Compose itself runs: each case is
written into a compose file and read back with the real `docker compose config`."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixer.sources.compose_words import split_command
from tests.support import compose_binary

# strings whose split by a shell's rules differs from Compose's, or that Compose refuses
CASES = [
    'bash -c "source .env &&\\ export ENV=docker &&\\ poetry run fastapi run api/main.py"',
    'echo "e\\f" \'c\\d\' a\\ b', 'alembic upgrade head && uvicorn main:app', 'a;b', 'a|b',
    'a<b', 'a 2>b', 'a 12>&1', 'a x2>b', '2a>b', 'a "2">b', 'a#b c', 'a \\#b', 'a\\\nb',
    '  lead  trail  ', '', 'x "" y', "x '' y", 'a`b c`d e', 'a `b "c d" e` f', 'a $(b c) d',
    'a $(b `c` d) e', 'a "$(b c" d', '"a"b\'c\'', 'sh -c "x; y"', 'a "x;y" \'p|q\'',
    'a\\;b c', 'a\\', 'a "b', "a 'b", 'a (b c) d', 'a)b', 'a $((1+2)) b', 'a`', 'a $ (b)',
    '))', ')a(', '"$"(b) c', '\\a b', '" "', 'a `b\\ c` d',
]


def _compose_words(tmp_path: Path, texts: list[str]) -> dict[int, list[str] | None]:
    """Each text's words as Compose reads them; None for a text Compose refuses."""
    refused = _refused(tmp_path, texts)
    accepted = [i for i in range(len(texts)) if i not in refused]
    read = _config(tmp_path, {i: texts[i] for i in accepted})
    assert read.returncode == 0, read.stderr
    services = json.loads(read.stdout)["services"]
    words: dict[int, list[str] | None] = {i: None for i in refused}
    for i in accepted:
        written = services[f"s{i}"].get("command") or []
        words[i] = [word.replace("$$", "$") for word in written]
    return words


def _refused(tmp_path: Path, texts: list[str]) -> set[int]:
    read = _config(tmp_path, dict(enumerate(texts)))
    if read.returncode == 0:
        return set()
    refused = {int(n) for n in re.findall(r"services\[s(\d+)\]\.command", read.stderr)}
    assert refused, read.stderr
    return refused


def _config(tmp_path: Path, texts: dict[int, str]) -> subprocess.CompletedProcess[str]:
    # `$$` keeps Compose from substituting a variable before it splits the string
    services = {f"s{i}": {"image": "x", "command": text.replace("$", "$$")}
                for i, text in texts.items()}
    (tmp_path / "compose.yml").write_text(json.dumps({"services": services}))
    return subprocess.run([str(compose_binary()), "config", "--format", "json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)


def _fixer_words(text: str) -> list[str] | None:
    try:
        return split_command(text)
    except ValueError:
        return None


def test_cases_split_as_compose_splits_them(tmp_path: Path) -> None:
    expected = _compose_words(tmp_path, CASES)
    assert {i: _fixer_words(text) for i, text in enumerate(CASES)} == expected


def test_a_backslash_escaped_space_in_double_quotes_goes() -> None:
    # the shell's rules keep `\ ` there, and `bash` then ran a command named ` export`
    assert split_command('bash -c "a &&\\ export X=1 &&\\ uvicorn m:app"') == \
        ["bash", "-c", "a && export X=1 && uvicorn m:app"]


def test_a_separator_outside_quotes_ends_what_runs() -> None:
    assert split_command("alembic upgrade head && uvicorn main:app") == \
        ["alembic", "upgrade", "head"]


@pytest.mark.parametrize("text", ['a "b', "a\\", "a (b)", "a)b", "a `b"])
def test_what_compose_refuses_raises(text: str) -> None:
    with pytest.raises(ValueError):
        split_command(text)


_ALPHABET = st.sampled_from(list("ab2 \t\n\"'\\`$();&|<>#"))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(_ALPHABET, max_size=12), min_size=1, max_size=40))
def test_any_string_splits_as_compose_splits_it(tmp_path: Path, texts: list[str]) -> None:
    expected = _compose_words(tmp_path, texts)
    assert {i: _fixer_words(text) for i, text in enumerate(texts)} == expected

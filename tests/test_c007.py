"""C007 missing-env-file: what its message names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixer_rules.compose.c007_missing_env_file import _braces_spelled_out
from kit import check


def test_c007_names_the_file_compose_looks_for_where_the_path_reads_otherwise() -> None:
    """`./.env` of docker/compose.yaml is docker/.env: a `.env` at the root, which a reader
    may take for it, is another file."""
    files = {"docker/compose.yaml": "services:\n  cache:\n    image: redis:7\n"
                                    "    env_file: ./.env\n",
             ".env": "REDIS_PORT=6379\n"}
    [found] = check(files, select="C007")
    assert "loads `./.env` (docker/.env) as its env_file" in found.message, found.message


def test_c007_names_the_path_once_where_it_reads_as_written() -> None:
    files = {"compose.yaml": "services:\n  cache:\n    image: redis:7\n    env_file: .env\n"}
    [found] = check(files, select="C007")
    assert "loads `.env` as its env_file" in found.message, found.message


def test_c007_a_guide_that_adds_the_file_elsewhere_tells_no_one_to_write_it() -> None:
    """"Add `.env` to your `.gitignore`" names the file with `add`, but of another file: no
    line says to put variables in it, and the finding stays."""
    files = {"docker-compose.yml": "services:\n  api:\n    image: nginx:1.27\n"
                                   "    env_file:\n      - .env\n",
             "README.md": "# Geo\n\nAdd `.env` to your `.gitignore` before you commit.\n"}
    [finding] = check(files, select="C007")
    assert "neither an example file nor its docs tell a checkout" in finding.message


@pytest.mark.parametrize(("step", "told"), [
    pytest.param('echo "SECRET_KEY=$(openssl rand -hex 32)" >> .env', True, id="a-variable"),
    pytest.param("printf 'DB_USER=app\\nDB_PASSWORD=app\\n' > .env", True, id="printf"),
    pytest.param('echo "$ENV_FILE" > .env', False, id="a-secrets-text"),
    pytest.param("cp .env.example .env", False, id="a-copy-of-a-file-not-held"),
])
def test_c007_a_readme_step_that_writes_the_file_tells_a_checkout(step: str, told: bool) -> None:
    """A guide's code block that writes the file with variables by name ("Configuration comes
    from `.env`", then `echo "SECRET_KEY=..." >> .env`) tells a checkout to write it, as a
    CI step does; one that writes a secret's text, or copies a file the repository does not
    hold, does not."""
    files = {"docker-compose.yml": "services:\n  api:\n    image: nginx:1.27\n"
                                   "    env_file: .env\n",
             "README.md": "# Blog\n\nConfiguration comes from `.env` in the repository root."
                          f"\n\n```bash\n{step}\nuv run uvicorn blog.main:app\n```\n"}
    assert (check(files, select="C007") == []) == told


# The alternatives spelled out as one pattern from the name's start did (it tried every
# position of every word of a guide): the walk back from the brace must say the same.
_WHOLE_NAME = re.compile(r"([\w./-]*)\{([\w.-]+(?:[|,][\w.-]+)+)\}([\w./-]*)")


@given(st.lists(st.sampled_from(list("ab.-/_{}|, \n1é`") + [
    "{a|b}", ".env.{dev|prod}", "}{", "{x,y}"]), max_size=20).map("".join))
def test_alternatives_are_spelled_out_as_one_pattern_of_the_whole_name_did(text: str) -> None:
    expected = _WHOLE_NAME.sub(lambda found: " ".join(
        found[1] + each + found[3] for each in re.split(r"[|,]", found[2])), text)
    assert _braces_spelled_out(text) == expected


def test_alternatives_after_a_name_spelled_out_before_them_stand_alone() -> None:
    assert _braces_spelled_out("cp .env.{dev|prod}x{a,b} .env") == \
        "cp .env.devx .env.prodxa b .env"   # the second has no name before it
    assert _braces_spelled_out("run docker/{api|worker}.env") == \
        "run docker/api.env docker/worker.env"

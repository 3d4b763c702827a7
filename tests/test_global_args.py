"""A stage's `ARG NAME` with no value takes the default of the `ARG NAME=...` declared
before the first FROM (Docker's global scope), and an `ENV` carries it into the container."""

from __future__ import annotations

import pytest

from fixer.core.textfile import TextFile
from fixer.sources.dockerfile import parse
from fixer.sources.portsites import run_env


@pytest.mark.parametrize("text", [
    pytest.param("ARG PORT=8000\nFROM a\nARG PORT\nENV PORT=${PORT}\nCMD x\n",
                 id="final-stage"),
    pytest.param("ARG PORT=8000\nFROM a AS base\nARG PORT\nENV PORT $PORT\nFROM base\nCMD x\n",
                 id="base-stage"),
])
def test_a_bare_arg_takes_the_global_default(text: str) -> None:
    dockerfile = parse(TextFile("Dockerfile", text))
    env = run_env(dockerfile, dockerfile.stages[-1])
    assert env.values["PORT"] == "8000"
    site = env.sites["PORT"]   # the digits a fix rewrites: the global ARG's
    assert text[site.start:site.end] == "8000" and site.start == len("ARG PORT=")

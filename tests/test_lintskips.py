"""sources/lintskips.py: the checks a Dockerfile's author switched off for other linters."""

from __future__ import annotations

import pytest

from fixer.sources.lintskips import skipped_by

CMD = "CMD uvicorn app.main:app\n"


@pytest.mark.parametrize(("head", "found"), [
    pytest.param("# check=skip=JSONArgsRecommended\nFROM python:3.12\n",
                 "# check=skip=JSONArgsRecommended", id="buildkit"),
    pytest.param("# syntax=docker/dockerfile:1\n# check=error=true;skip=all\nFROM python:3.12\n",
                 "# check=error=true;skip=all", id="buildkit-all-after-syntax"),
    pytest.param("FROM python:3.12\n# check=skip=JSONArgsRecommended\n", None,
                 id="buildkit-below-an-instruction-is-a-comment"),
    pytest.param("\n# check=skip=JSONArgsRecommended\nFROM python:3.12\n", None,
                 id="buildkit-after-a-blank-line-is-a-comment"),
    pytest.param("# check=skip=StageNameCasing\nFROM python:3.12\n", None,
                 id="buildkit-another-check"),
    pytest.param("FROM python:3.12\n# hadolint ignore=DL3008,DL3025\n",
                 "# hadolint ignore=DL3008,DL3025", id="hadolint-above"),
    pytest.param("FROM python:3.12\n# hadolint ignore=DL3025\nEXPOSE 8000\n", None,
                 id="hadolint-above-another-instruction"),
    pytest.param("# hadolint global ignore=DL3025\nFROM python:3.12\nEXPOSE 8000\n",
                 "# hadolint global ignore=DL3025", id="hadolint-global"),
])
def test_the_comment_that_switches_the_check_off(head: str, found: str | None) -> None:
    text = head + CMD
    assert skipped_by(text, len(head), "JSONArgsRecommended", "DL3025") == found

"""`docker run` command lines of scripts and CI files: the image each runs.

P001 reads the ports they publish (`docker run -p 8000:8000 api`) and the deployments they
are (a smoke test on the host network); both need the image a line runs, which is the first
word that is neither an option nor an option's value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fixer.core.lazyre import lazy_compile

DOCKER_RUN = lazy_compile(r"\bdocker[ \t]+(?:container[ \t]+)?run\b[^\n]*")
# what each match of DOCKER_RUN holds, opening with a literal: searched for as one, where
# the `\b` that opens DOCKER_RUN has it tried at every character (tens of milliseconds on
# a compose file of a thousand services, which is a build script too)
_DOCKER_RUN_WORDS = lazy_compile(r"docker[ \t]+(?:container[ \t]+)?run\b")
# `docker run` options that take no value: the first other word that is no option's value
# is the image
_FLAGS = frozenset({"--rm", "-d", "--detach", "-i", "--interactive", "-t", "--tty", "-it",
                    "-ti", "--init", "--privileged", "-P", "--publish-all", "--read-only",
                    "-q", "--quiet", "--no-healthcheck", "--sig-proxy"})


def docker_runs(text: str) -> Iterator[re.Match[str]]:
    """The `docker run` command lines of a text (DOCKER_RUN's matches), in text order."""
    if _DOCKER_RUN_WORDS.search(text) is None:   # most build scripts: none
        return iter(())
    return DOCKER_RUN.finditer(text)


def run_image(command: str) -> str | None:
    """The image a `docker run ...` line runs: its first word that is neither an option
    nor an option's value; None when there is none."""
    found = _image_at(command)
    return found[1] if found is not None else None


def runs_a_command(command: str) -> bool:
    """The line gives the image a command of its own (`docker run --rm api:ci pytest -q`):
    what runs is not the image's server, and its port is not the image's."""
    found = _image_at(command)
    words = command.split()
    rest = words[found[0] + 1:] if found is not None else []
    return bool(rest) and not rest[0].startswith(("&", "|", ";", ")", "\\"))


def _image_at(command: str) -> tuple[int, str] | None:
    """(index among the line's words, image) of the image a `docker run` line runs."""
    words = command.split()
    start = 3 if len(words) > 2 and words[1] == "container" else 2
    skip = False
    for index in range(start, len(words)):
        word = words[index]
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word not in _FLAGS and "=" not in word
        else:
            return index, word.strip("\"'")
    return None

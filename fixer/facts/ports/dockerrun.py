"""`docker run` command lines of scripts and CI files: the image each runs.

P001 reads the ports they publish (`docker run -p 8000:8000 api`) and the deployments they
are (a smoke test on the host network); both need the image a line runs, which is the first
word that is neither an option nor an option's value.
"""

from __future__ import annotations

import re

DOCKER_RUN = re.compile(r"\bdocker[ \t]+(?:container[ \t]+)?run\b[^\n]*")
# `docker run` options that take no value: the first other word that is no option's value
# is the image
_FLAGS = frozenset({"--rm", "-d", "--detach", "-i", "--interactive", "-t", "--tty", "-it",
                    "-ti", "--init", "--privileged", "-P", "--publish-all", "--read-only",
                    "-q", "--quiet", "--no-healthcheck", "--sig-proxy"})


def run_image(command: str) -> str | None:
    """The image a `docker run ...` line runs: its first word that is neither an option
    nor an option's value; None when there is none."""
    words = command.split()[2:]
    if words and words[0] == "run":   # `docker container run`
        words = words[1:]
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word not in _FLAGS and "=" not in word
        else:
            return word.strip("\"'")
    return None

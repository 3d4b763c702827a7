"""Healthcheck probes: which tool (`curl`, `wget`) a healthcheck runs, the URL it calls,
and the Python urllib probe that can replace it.

Compose `healthcheck.test` comes as `["CMD", argv...]`, `["CMD-SHELL", script]` or a
plain string (a shell script); a Dockerfile HEALTHCHECK as `CMD argv` (exec form) or
`CMD script`. Scripts are split into simple commands, so `curl -f URL || exit 1` reads
as the curl it runs.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from fixer.ports.launch import SHELLS
from fixer.sources.dockertext import commands, tokenize

TOOLS = ("curl", "wget")
PROBE_TIMEOUT = 3
# Flags a Python urllib probe reproduces: quiet output, fail on HTTP errors, timeouts.
_CURL_FLAGS = {"--fail", "--silent", "--show-error", "--location", "--insecure", "-f", "-s", "-S",
               "-L", "-k", "-q", "--fail-with-body", "-sS", "--no-progress-meter"}
_CURL_VALUED = {"-o", "--output", "-m", "--max-time", "--connect-timeout", "--retry",
                "--retry-delay", "--retry-max-time", "-w", "--write-out"}
_WGET_FLAGS = {"-q", "--quiet", "--spider", "--no-verbose", "-nv", "-S", "--server-response",
               "--no-check-certificate", "-O-", "-qO-", "-qO", "-O", "--output-document", "-T",
               "--timeout", "-t", "--tries", "-Y"}
_WGET_VALUED = {"-O", "--output-document", "-T", "--timeout", "-t", "--tries", "-qO", "-Y"}


@dataclass(frozen=True)
class Probe:
    tool: str               # curl or wget
    url: str | None         # the URL called, scheme added when it had none
    plain: bool             # only flags a Python probe reproduces, a literal URL


def from_argv(argv: list[str]) -> Probe | None:
    """The probe an argv runs (directly, or through `sh -c`)."""
    while argv and (argv[0] in ("exec", "env") or re.match(r"^[A-Za-z_]\w*=", argv[0])):
        argv = argv[1:]
    if not argv:
        return None
    if argv[0] in SHELLS and len(argv) >= 3 and argv[1] in ("-c", "-ec", "-ce"):
        return from_script(argv[2])
    tool = posixpath.basename(argv[0])
    if tool not in TOOLS:
        return None
    return _probe(tool, argv[1:])


def from_script(script: str) -> Probe | None:
    for words in commands(tokenize(script)):
        probe = from_argv([w.value for w in words])
        if probe is not None:
            return probe
    return None


def from_compose_test(test: list[str]) -> Probe | None:
    """`["CMD", ...]`, `["CMD-SHELL", script]`, or a string (given as a one-item list)."""
    if not test:
        return None
    head = test[0]
    if head == "CMD":
        return from_argv(test[1:])
    if head == "CMD-SHELL":
        return from_script(" ".join(test[1:]))
    if len(test) == 1 and head != "NONE":
        return from_script(head)
    return None


def from_healthcheck(value: tuple[str, ...], exec_form: bool) -> Probe | None:
    """A Dockerfile HEALTHCHECK's parsed value: ("CMD", argv...) or ("CMD", script)."""
    if not value or value[0].upper() != "CMD":
        return None
    if exec_form:
        return from_argv(list(value[1:]))
    return from_script(" ".join(value[1:]))


def _probe(tool: str, args: list[str]) -> Probe:
    flags, valued = (_CURL_FLAGS, _CURL_VALUED) if tool == "curl" else (_WGET_FLAGS, _WGET_VALUED)
    url: str | None = None
    plain = True
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if arg.startswith("-") and arg != "-":
            if name in valued and "=" not in arg and not (arg.startswith("-qO") and len(arg) > 3):
                skip = True
            plain = plain and (name in flags or name in valued or _short_flags(tool, arg))
        elif url is None:
            url = arg
    if url is not None and "://" not in url:
        url = "http://" + url
    if url is None or re.search(r"[$'\"\\\s]", url):
        plain = False
    return Probe(tool, url, plain)


def _short_flags(tool: str, arg: str) -> bool:
    """Bundled short flags: `-fsS`, `-sf`, `-fsSL`."""
    allowed = "fsSLkq" if tool == "curl" else "qS"
    return bool(re.fullmatch(rf"-[{allowed}]+", arg))


def python_code(url: str) -> str:
    """The probe's Python: urlopen raises (exit 1) on refused connections and HTTP errors."""
    return f"import urllib.request; urllib.request.urlopen('{url}', timeout={PROBE_TIMEOUT})"


def python_argv(python: str, url: str) -> list[str]:
    return [python, "-c", python_code(url)]

"""Healthcheck probes: the commands a healthcheck runs, which tool (`curl`, `wget`) it
probes with, the URL it calls, and the Python urllib probe that can replace it.

Compose `healthcheck.test` comes as `["CMD", argv...]`, `["CMD-SHELL", script]` or a
plain string (a shell script); a Dockerfile HEALTHCHECK as `CMD argv` (exec form) or
`CMD script`, read as the compose test that runs the same. Scripts are split into
simple commands, so `curl -f URL || exit 1` reads as the curl it runs. Docker runs
`["CMD-SHELL", script, word...]` as `sh -c script word...`: the words after the script are
its `$0`, `$1`..., not part of it, so `["CMD-SHELL", "curl", "-f", URL]` runs a bare `curl`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile
from fixer.sources.dockertext import commands, tokenize
from fixer.sources.launch import shell_script_at

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
_ASSIGNMENT = lazy_compile(r"^[A-Za-z_]\w*=")  # `VAR=value` before a command sets its environment


@dataclass(frozen=True)
class Probe:
    tool: str               # curl or wget
    url: str | None         # the URL called, scheme added when it had none
    plain: bool             # only flags a Python probe reproduces, a literal URL
    # the programs the test runs after `||` when this one fails (`curl ... || python -c
    # "...urlopen(...)"`): one the image has makes the healthcheck pass without this tool
    fallbacks: tuple[str, ...] = ()


def healthcheck_commands(test: Sequence[str]) -> list[list[str]]:
    """The simple commands a healthcheck test runs, in order: `["CMD", argv...]`,
    `["CMD-SHELL", script]` or a string (given as a one-item list). Each argv starts at
    the program: `exec`, `env` and `VAR=value` before it are left out, and a shell run
    with `-c` gives the commands of its script (`["CMD", "sh", "-c", "curl ..."]` runs curl)."""
    head = test[0] if test else "NONE"
    if head == "CMD":
        return _argv_commands(list(test[1:]))
    if head == "CMD-SHELL":
        return _script_commands(test[1] if len(test) > 1 else "")
    return _script_commands(head) if len(test) == 1 and head != "NONE" else []


def unused_shell_words(test: Sequence[str]) -> tuple[str, ...]:
    """The words of `["CMD-SHELL", script, word...]` after the script, where the script
    names no positional parameter (`$0`, `$1`, `$@`): Docker hands them to `sh -c script` as
    its `$0`, `$1`..., and the probe never reads them (`["CMD-SHELL", "pg_isready", "-U",
    "app"]` runs a bare `pg_isready`)."""
    if len(test) < 3 or test[0] != "CMD-SHELL" or _POSITIONAL.search(test[1]):
        return ()
    return tuple(test[2:])


def words_run(test: Sequence[str]) -> list[str]:
    """The test without the words its shell script never reads (`unused_shell_words`)."""
    return list(test[:len(test) - len(unused_shell_words(test))])


# `$0`, `$1`, `${2}`, `$@`, `$*`, `$#`: a script that reads the words after it
_POSITIONAL = lazy_compile(r"\$(?:[0-9@*#]|\{[0-9@*#])")


def shell_in_argument(test: Sequence[str]) -> str | None:
    """Why an exec-form test's curl or wget never passes where its URL argument carries
    shell syntax (`["CMD", "curl", "-f", "http://localhost:8000/health || exit 1"]`): no
    shell runs it, so the tool gets `URL || exit 1` as one URL, spaces and all (curl
    rejects it, wget asks for a path with them in it)."""
    for argv in healthcheck_commands(test) if test and test[0] == "CMD" and \
            shell_script_at(list(test[1:])) is None else ():
        tool = tool_of(argv)
        spaced = next((a for a in argv[1:] if not a.startswith("-") and
                       _URL_WITH_MORE.match(a)), None) if tool in TOOLS else None
        if spaced is not None:
            return (f"its test runs without a shell (`CMD`), so {tool} gets `{spaced}` as one "
                    "URL, spaces and all, and fails on every try (write the test as "
                    f"`CMD-SHELL`, or drop `{spaced.split(None, 1)[1]}`)")
    return None


def spaced_program(test: Sequence[str]) -> str | None:
    """Why an exec-form test never passes where its program is a whole command line in
    one item (`["CMD", "pg_isready -U app"]`): Docker runs the program named by the item,
    spaces and all, which no image has."""
    program = test[1] if len(test) > 1 and test[0] == "CMD" else ""
    if not program.strip() or not re.search(r"\s", program.strip()):
        return None
    return (f"its test runs without a shell (`CMD`), so Docker looks for a program named "
            f"`{program}`, spaces and all, and the test fails on every try (write it as "
            "`CMD-SHELL`, or one word per item)")


# a URL, then whitespace and more words (`http://localhost:8000/health || exit 1`)
_URL_WITH_MORE = lazy_compile(r"(?:https?://\S+|[\w.-]+:\d+(?:/\S*)?|"
                              r"(?:localhost|127\.0\.0\.1|\[::1\])(?:/\S*)?)\s+\S")


def dockerfile_test(value: Sequence[str], exec_form: bool) -> list[str]:
    """A Dockerfile HEALTHCHECK's parsed value, ("CMD", argv...) or ("CMD", script), as the
    compose test that runs the same; [] for `HEALTHCHECK NONE`."""
    if not value or value[0].upper() != "CMD":
        return []
    return ["CMD", *value[1:]] if exec_form else ["CMD-SHELL", " ".join(value[1:])]


def tool_of(argv: Sequence[str]) -> str:
    """The program an argv runs, by name: `/usr/bin/curl` is curl, `python3.12` is python."""
    tool = posixpath.basename(argv[0]) if argv else ""
    return "python" if _PYTHON.fullmatch(tool) else tool


_PYTHON = lazy_compile(r"python[\d.]*")   # `python3.12`


def _argv_commands(argv: list[str]) -> list[list[str]]:
    while argv and (argv[0] in ("exec", "env") or _ASSIGNMENT.match(argv[0])):
        argv = argv[1:]
    script = shell_script_at(argv)
    if script is not None:
        return _script_commands(argv[script])
    return [argv] if argv else []


def _script_commands(script: str) -> list[list[str]]:
    return [argv for words in commands(tokenize(script))
            for argv in _argv_commands([w.value for w in words])]


def from_compose_test(test: Sequence[str]) -> Probe | None:
    """The first curl or wget a compose test runs (see `healthcheck_commands`)."""
    for argv in healthcheck_commands(test):
        tool = tool_of(argv)
        if tool in TOOLS:
            probe = _probe(tool, argv[1:])   # built anew: `replace` costs more, every check
            return Probe(probe.tool, probe.url, probe.plain, fallback_tools(test))
    return None


_CURL_HEAD = lazy_compile(r"(?:^|\s)(?:--head|-[A-Za-z]*I[A-Za-z]*|-X\s*HEAD|--request[=\s]+HEAD)"
                          r"(?=\s|$)")
_WGET_SPIDER = lazy_compile(r"(?:^|\s)--spider(?=\s|$)")
# `-X GET` after `-I` sends GET (the headers of a GET); `-f` makes curl fail on a 405
_CURL_OTHER_METHOD = lazy_compile(r"(?:^|\s)(?:-X\s*|--request[=\s]+)(?!HEAD\b)[A-Z]+(?=\s|$)")
_CURL_FAILS = lazy_compile(r"(?:^|\s)(?:--fail(?:-with-body)?|-[A-Za-z]*f[A-Za-z]*)(?=\s|$)")


def head_request(test: Sequence[str], busybox: bool) -> str | None:
    """The option as written when the healthcheck's curl or wget sends HEAD, not GET, and
    fails on an HTTP error: `curl -fI`/`--head`/`-X HEAD` (not with `-X GET`, and not
    without `-f`, which passes on any answer), and GNU wget's `--spider` (BusyBox's sends
    GET). FastAPI answers HEAD with 405 on a route added with `@app.get`: such a probe
    never passes."""
    for argv in healthcheck_commands(test):
        tool, rest = tool_of(argv), " ".join(argv[1:])
        found = _CURL_HEAD.search(rest) if tool == "curl" and _CURL_FAILS.search(rest) and \
            not _CURL_OTHER_METHOD.search(rest) else \
            _WGET_SPIDER.search(rest) if tool == "wget" and not busybox else None
        if found is not None:
            return f"{tool} {found.group(0).strip()}"
    return None


# what ends a chain of alternatives without probing anything (`curl ... || exit 1`)
_NO_PROBE = frozenset(("exit", "false", "echo", "printf", ""))


def fallback_tools(test: Sequence[str]) -> tuple[str, ...]:
    """The programs of a shell test's `||` alternatives, as `tool_of` names them: `curl -f
    URL || python -c "..." || exit 1` passes through python where curl is missing, and
    `python -c "..." || curl -f URL` passes when python does (the first command of an
    alternative counts too). A test run without a shell has none."""
    head = test[0] if test else "NONE"
    argv = list(test[1:])
    at = shell_script_at(argv) if head == "CMD" else None
    if at is not None:
        script = argv[at]
    elif head == "CMD-SHELL":
        script = argv[0] if argv else ""
    elif len(test) == 1 and head not in ("CMD", "NONE"):
        script = head
    else:
        return ()
    programs: list[tuple[str, bool]] = []   # each command's program, and whether `||` follows
    started = False
    for token in tokenize(script):
        if token.operator:
            if token.raw == "||" and programs:
                programs[-1] = (programs[-1][0], True)
            started = False
        elif not started and (token.value in ("exec", "env", "command") or
                              _ASSIGNMENT.match(token.value)):
            continue   # the program comes after them
        elif not started:
            started = True
            programs.append((tool_of([token.value]), False))
    alternatives = [tool for i, (tool, then_or) in enumerate(programs)
                    if then_or or (i and programs[i - 1][1])]
    probe = next((t for t in alternatives if t in TOOLS), None)
    return tuple(t for t in alternatives if t not in _NO_PROBE and t != probe)


def from_healthcheck(value: Sequence[str], exec_form: bool) -> Probe | None:
    """The first curl or wget a Dockerfile HEALTHCHECK runs."""
    return from_compose_test(dockerfile_test(value, exec_form))


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
    return bool((_CURL_SHORT if tool == "curl" else _WGET_SHORT).fullmatch(arg))


_CURL_SHORT = lazy_compile(r"-[fsSLkq]+")
_WGET_SHORT = lazy_compile(r"-[qS]+")


def python_code(url: str) -> str:
    """The probe's Python: urlopen raises (exit 1) on refused connections and HTTP errors."""
    return f"import urllib.request; urllib.request.urlopen('{url}', timeout={PROBE_TIMEOUT})"


def python_argv(python: str, url: str) -> list[str]:
    return [python, "-c", python_code(url)]

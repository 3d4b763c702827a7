"""The server a start script starts: `CMD ["/start.sh"]`, compose `command: ./start.sh` or
`entrypoint: ["/start.sh"]`, a `#!` shell script of the build context that runs migrations,
then `exec uvicorn main:app` (or `python run.py`, whose `uvicorn.run` starts it). A shell's
`-c` may run it last, after steps it runs in turn (`sh -c "/wait && /app/start.sh"`): the
steps are then the first of the commands on the way to the server.

The script is found where the image has it, through the stage's COPY/ADD (`COPY ./start.sh
/start.sh`), as the ENTRYPOINT script is. It is read only when it starts one known server (or
one Python program that may start it) on one line and no branch, loop or function of the
shell decides whether it does: a script that picks uvicorn or gunicorn by an environment
variable starts a server fixer cannot name.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from fixer.core.derived import Memo
from fixer.core.errors import InputError
from fixer.core.lazyre import lazy_compile
from fixer.core.textfile import TextFile
from fixer.core.tree import Tree
from fixer.model.image_paths import in_image
from fixer.sources.dockerfile import Dockerfile, Stage
from fixer.sources.launch import (
    DEFAULT_PORT, SHELL_NAMES, Launch, find_launch, prefix_length, run_in_turn, shell_jobs,
    shell_script_at)
from fixer.sources.shellquote import go_on, unquoted

# ENTRYPOINT programs that run their arguments: the CMD still starts the server
PASSING_ON = frozenset({"tini", "tini-static", "dumb-init", "gosu", "su-exec", "catatonit",
                        "s6-overlay", "env", "exec"})
# one logical line of a script: lines continued with `\` belong to it
# a here-document's opening (`<<EOF`, `<<-'EOF'`, `<< "EOF"`): its body is data, not commands
_HEREDOC = lazy_compile(r"(?<!<)<<(-?)[ \t]*(['\"]?)([A-Za-z_][\w.-]*)\2")
# the first words of commands that open and close a branch, a loop or a group (a function's
# body too), and of tests (`[ -n "$DEV" ] && exec uvicorn ...` starts it on a condition)
_OPENS = frozenset({"if", "case", "while", "until", "for", "select", "function", "{"})
_CLOSES = frozenset({"fi", "esac", "done", "}"})
_TESTS = frozenset({"[", "[[", "test"})
# What a branch runs that starts no program of its own: the shell's words and built-ins, the
# file and package steps a script takes before its server (`if dev; then pip install -e .;
# exec uvicorn ... --reload; else exec uvicorn ...; fi`), and a branch that gives up
# (`echo "bad mode"; exit 1`)
_STEPS = frozenset({"then", "elif", "else", "fi", "case", "esac", "do", "done", ";;", "in",
                    "echo", "printf", "exit", "return", "set", "export", "unset", "cd",
                    "pushd", "popd", "source", ".", "shift", "local", "true", "false", ":",
                    "sleep", "mkdir", "rm", "cp", "mv", "chmod", "chown", "touch", "ln", "cat",
                    "pip", "pip3", "uv", "poetry", "alembic", *_OPENS, *_CLOSES, *_TESTS})
_ASSIGNMENT = lazy_compile(r"[A-Za-z_]\w*=.*")
# a `case` pattern that opens a branch: `worker)`, `(api | web)`, `"app")`, `*)`
_CASE_PATTERN = lazy_compile(r"^\(?\s*[^\s()=;&|]+(?:\s*\|\s*[^\s()=;&|]+)*\s*\)\s*")


@dataclass(frozen=True)
class ScriptStart:
    """The server a start script starts, and the script's text up to the end of its line
    (what it runs before the server, and the server's command)."""

    path: str
    end: int
    launch: Launch
    # the commands the script runs on its way to the server, each as its words, the server's
    # own line last (`cd /code/src`, then `exec uvicorn main:app`): where the server starts
    commands: tuple[tuple[str, ...], ...] = ()
    # the steps a shell's `-c` runs before the script, as words joined (`/wait; sleep 5`)
    lead: str = ""


def program_run(argv: list[str]) -> str:
    """The program a command runs: its first word that is no option, no shell (`sh
    /start.sh`) and no program that runs its arguments (`tini -- /start.sh`)."""
    return next((word for word in argv if not word.startswith("-")
                 and posixpath.basename(word) not in PASSING_ON | SHELL_NAMES),
                argv[0] if argv else "")


def script_start(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
                 argv: list[str], env: Mapping[str, str] | None = None,
                 in_a_shell: bool = False) -> ScriptStart | None:
    """The server the `#!` shell script `argv` runs starts, the script found in the image
    the stage builds; None when the command runs no such script or fixer cannot tell which
    server it starts. `env`: the container's environment, whose value of the variable a
    `case` picks its branch by (`case "$SERVICE_TYPE" in`) chooses the branch that runs.
    `in_a_shell`: a shell's `-c` runs `argv`, and runs a script with no `#!` line itself."""
    at = shell_script_at(argv)
    steps = run_in_turn(argv[at]) if at is not None and at == len(argv) - 1 else None
    if steps is not None:
        return _last_step_start(tree, folder, dockerfile, stage, steps, env)
    program = program_run(argv)
    path = in_image(tree, folder, dockerfile, stage, program) if program else None
    file = _text(tree, path) if path is not None else None
    if path is None or file is None or \
            not (_shell_script(file.text) or _run_by_a_shell(argv, program) or
                 in_a_shell and not file.text.startswith("#!")):
        return None
    found = file.derived.get(_STARTS, lambda: _server_line(file.text))
    chosen = _chosen_branch(file.text, env) if found is None and env else None
    if chosen is not None:
        found = _server_line(chosen)
    return ScriptStart(path, *found) if found is not None else None


def _last_step_start(tree: Tree, folder: str, dockerfile: Dockerfile, stage: Stage,
                     steps: list[list[str]], env: Mapping[str, str] | None
                     ) -> ScriptStart | None:
    """The server the script that a shell's `-c` runs last starts, after steps it runs in
    turn (`sh -c "/wait && /app/docker/app.sh"`): those steps are the first of the
    commands on the way to the server. A script named from a folder a step moved to
    (`cd /srv && ./start.sh`) is not looked for."""
    *before, last = steps
    program = program_run(last)
    if not posixpath.isabs(program) and any(step[0] in MOVES for step in before):
        return None
    found = script_start(tree, folder, dockerfile, stage, last, env, in_a_shell=True)
    if found is None:
        return None
    lead = "; ".join(" ".join(step) for step in before)
    return replace(found, commands=(*map(tuple, before), *found.commands), lead=lead)


# `case "$SERVICE_TYPE" in` / `case ${ROLE} in`: a branch picked by a variable's value
_CASE_OF = lazy_compile(r'(?m)^[ \t]*case[ \t]+"?\$\{?(\w+)\}?"?[ \t]+in[ \t]*(?:#.*)?$')
_ESAC = lazy_compile(r"(?m)^[ \t]*esac\b[^\n]*$")
_BRANCH = lazy_compile(r"^([ \t]*\(?)([^()\n]+)\)")


def _chosen_branch(text: str, env: Mapping[str, str]) -> str | None:
    """The script with its one `case` on a variable the environment sets reduced to the
    branch that value picks, each other character of the statement a space (offsets and
    lines stay where they were); None where there is no such `case`, it holds another, or
    no branch matches."""
    found = _CASE_OF.search(text)
    value = env.get(found.group(1)) if found is not None else None
    end = _ESAC.search(text, found.end()) if found is not None else None
    if found is None or end is None or value is None or "$" in value or \
            _CASE_OF.search(text, found.end(), end.start()):
        return None
    kept: list[tuple[int, int]] = []   # the chosen body, as spans of the text
    chosen = taking = in_body = False
    at = found.end() + 1
    while at < end.start():
        line_end = text.find("\n", at)
        line_end = end.start() if line_end < 0 or line_end > end.start() else line_end
        line = text[at:line_end]
        body_start = at
        if not in_body:
            branch = _BRANCH.match(line)
            if branch is None:
                if line.strip() and not line.strip().startswith("#"):
                    return None   # a command outside any branch: no `case` fixer reads
                at = line_end + 1
                continue
            patterns = [p.strip().strip("\"'") for p in branch.group(2).split("|")]
            taking = not chosen and any(fnmatch.fnmatchcase(value, p) for p in patterns)
            chosen = chosen or taking
            in_body, body_start = True, at + branch.end()
        stop = text.find(";;", body_start, line_end)
        if taking:
            kept.append((body_start, stop if stop >= 0 else line_end))
        if stop >= 0:
            in_body = taking = False
        at = line_end + 1
    if not chosen:
        return None
    return _blanked(text, found.start(), end.end(), kept)


def _blanked(text: str, start: int, end: int, kept: list[tuple[int, int]]) -> str:
    """The text with every character of start..end a space, but newlines and the kept spans."""
    chars = list(text)
    keep = {i for a, b in kept for i in range(a, b)}
    for i in range(start, end):
        if i not in keep and chars[i] != "\n":
            chars[i] = " "
    return "".join(chars)


def _text(tree: Tree, path: str) -> TextFile | None:
    """The file's text; None for one that is no text (a compiled program the CMD runs)."""
    try:
        return tree.read(path)
    except InputError:
        return None


# a server a script starts: the end of its line, the server, and the commands up to it
_Start = tuple[int, Launch, tuple[tuple[str, ...], ...]]
# per script text: the server it starts
_STARTS: Memo[_Start | None] = Memo("server a start script starts")
# commands that change the folder the commands after them run in
MOVES = frozenset({"cd", "pushd", "popd"})
# what a move in a branch, a loop or a function leaves the folder as: a variable's value,
# which no file of the repository is found under (`cd "$DIR"` reads so too)
UNKNOWN_FOLDER = ("cd", "$FOLDER_A_BRANCH_DECIDES")


def _run_by_a_shell(argv: list[str], program: str) -> bool:
    """The command hands the script to a shell (`bash ./docker/start.sh`): it needs no `#!`
    line, the shell reads it."""
    before = argv[:argv.index(program)] if program in argv else []
    return any(posixpath.basename(word) in SHELL_NAMES for word in before)


def _shell_script(text: str) -> bool:
    """The file starts with a `#!` line naming a shell (`#!/bin/sh`, `#!/usr/bin/env bash`):
    the kernel runs it with that shell when the command runs it by its path."""
    if not text.startswith("#!"):
        return False
    words = text[2:].partition("\n")[0].split()
    if words and posixpath.basename(words[0]) == "env":
        words = words[1:]
    return bool(words) and posixpath.basename(words[0]) in SHELL_NAMES


def _runs_a_program(words: list[str]) -> bool:
    """A command of a branch that runs a program of its own, not a step of the shell's
    (after a `case` pattern, `worker)`, and what runs its arguments: assignments, `exec`,
    `uv run`, as `exec uv run celery ...` runs celery while `uv sync` is a step). A wrapper
    given an option fixer cannot read runs a program it cannot name."""
    command = words[1:] if words and words[0].endswith(")") else words
    skipped = prefix_length(command)
    if skipped is None:
        return True
    rest = command[skipped:]
    # `python -c "..."`: a line of code run and done (a setup step), no program of its own
    inline = len(rest) > 1 and posixpath.basename(rest[0]).startswith("python") and \
        rest[1] == "-c"
    return bool(rest) and rest[0] not in _STEPS and not inline and not _builds_assets(rest)


# a JavaScript package manager's commands that install or build and end (`npm ci`, `npm run
# build`, `yarn build`): a step before the server (the front end's assets), no program
_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm"})
_BUILDS = frozenset({"ci", "install", "i", "build"})


def _builds_assets(words: list[str]) -> bool:
    task = words[2:3] if words[1:2] == ["run"] else words[1:2]
    return words[0] in _PACKAGE_MANAGERS and bool(task) and \
        (task[0] in _BUILDS or task[0].startswith("build:"))


def _server_line(text: str) -> _Start | None:
    """The one line that starts a known server, or a Python program that may start one
    (`_line_start`), when it runs unconditionally: outside every branch, loop and function
    of the script (`if [ -n "$MIGRATE" ]; then alembic upgrade head; fi` before it is fine),
    and not after a test on its own line; with the commands run on the way to it. A Python
    program the script waits for and then goes on (`python -m app.wait_for_db`, then `exec
    uvicorn ...`) is a step before the server, not it. A branch that may change the folder
    before it (`if ...; then cd src; fi`) leaves the folder unknown: where the app module
    is, is then the shell's decision, while the server's command is still read. A line
    that starts a known server wins over lines that run Python programs in the background
    beside it."""
    # each start, whether the shell decides it, and whether it is a Python program the
    # script runs in the background (`python -m app.consumer &`)
    found: list[tuple[_Start, bool, bool]] = []
    # a branch runs another program (`dramatiq app.worker` where `$1` is `worker`)
    branches_run_others = False
    waited = False   # the last start found is a Python program the script waits for
    commands: list[tuple[str, ...]] = []
    depth = 0
    for line, end in logical_lines(text):
        line = line.strip()
        if depth > 0:   # a `case` pattern before its commands (`worker) exec celery ...`)
            line = _CASE_PATTERN.sub("", line, count=1)
        if not line or line.startswith("#"):
            continue
        if waited:   # the script goes on once that program ends: it was a step
            found.pop()
        jobs = shell_jobs(line)
        firsts = [words[0] for words, _background in jobs]
        enclosed = depth > 0 or any(w in _OPENS | _TESTS or w.endswith("()") for w in firsts)
        for word in firsts:
            depth += (word in _OPENS or word.endswith("()")) - (word in _CLOSES)
        if not enclosed:
            commands += [tuple(words) for words, _background in jobs]
        elif any(w in MOVES for w in firsts):   # the folder is the shell's decision from here
            commands.append(UNKNOWN_FOLDER)
        started = _line_start(line, jobs)
        waited = started is not None and started[1]
        if started is not None:
            found.append(((end, started[0], tuple(commands)), enclosed, started[2]))
        elif enclosed and any(_runs_a_program(words) for words, background in jobs
                              if not background):   # one run beside the server replaces none
            branches_run_others = True
    # a known server wins over Python programs run in the background beside it (`python -m
    # app.consumer &` on a line of its own, or in a branch that starts a gRPC server when
    # asked), as it does on one line; one the script runs in the foreground (`exec python
    # run.py`) may be the server itself
    starts = [start for start, _enclosed, background in found
              if start[1].server is not None or not background]
    if not any(start[1].server is not None for start in starts):
        starts = [start for start, _enclosed, _background in found]
    if any(enclosed for start, enclosed, _background in found if start in starts):
        # which server starts, if any, is the shell's decision; unless each branch starts
        # the same one (`if [ "$ENV" = dev ]; then exec uvicorn app.main:app --reload ...;
        # else exec uvicorn app.main:app ...; fi`), on the same port, and no branch runs
        # another program instead (`dramatiq app.worker` for `command: worker`)
        same = {(s[1].server, s[1].target, _port_written(s[1])) for s in starts}
        server = next(iter(same))[0] if len(same) == 1 and not branches_run_others else None
        return starts[-1] if server is not None else None
    return starts[0] if len(starts) == 1 else None


def _port_written(launch: Launch) -> str | None:
    """The port the launch gives its server, as written; the servers' default (8000) where
    it gives none and no configuration or bind may set one: `uvicorn app.main:app --port
    8000` in one branch and `uvicorn app.main:app` in another listen on one port."""
    if launch.port_token is not None or launch.configured or launch.binds or launch.socket \
            or launch.unread_bind or launch.host_bind:
        return launch.port_token
    return str(DEFAULT_PORT)


def logical_lines(text: str) -> Iterator[tuple[str, int]]:
    """The script's command lines, each with the offset it ends at: a line continued with
    `\\`, or whose quote is still open at its end (`python -c "` and the program's lines up
    to the closing `"`), runs on into the next; the body of a here-document is no command
    (the `<<EOF` line is, its body up to `EOF` is skipped)."""
    start = 0
    offsets = unquoted(text)
    at = go_on(offsets)
    while at is not None:
        jump = None
        if text[at] == "#" and (at == start or text[at - 1] in " \t;&|("):
            jump = _line_end(text, at)   # a comment: its quotes open nothing
        elif text[at] == "\n":
            line = text[start:at]
            yield line, at
            heredocs = [(m.group(3), bool(m.group(1))) for m in _HEREDOC.finditer(line)]
            start = jump = _after_heredocs(text, at + 1, heredocs)
        at = go_on(offsets, jump)
    if start < len(text):   # the last line, with no line ending (or a quote left open)
        yield text[start:], len(text)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _after_heredocs(text: str, at: int, heredocs: list[tuple[str, bool]]) -> int:
    """The offset past the bodies of the here-documents a line opened, each up to the line
    that is its word alone (tabs before it allowed with `<<-`)."""
    for word, tabs in heredocs:
        while at < len(text):
            end = _line_end(text, at)
            line = text[at:end].rstrip("\r")
            at = end + 1
            if (line.lstrip("\t") if tabs else line) == word:
                break
    return min(at, len(text) + 1)


def _line_start(line: str,
                jobs: list[tuple[list[str], bool]]) -> tuple[Launch, bool, bool] | None:
    """The server the line starts, and whether the script waits for it to end before its
    next line. A known server anywhere on the line is the server, as in a command (`alembic
    upgrade head && exec uvicorn ...`, and `uvicorn main:app &` beside a worker). So is a
    Python program, which may start one itself (`uvicorn.run`), where the shell does not
    wait for it before the line's next command: run with `exec`, in the background (`&`),
    or as the line's last command (`some-migration & python run.py`), which the script
    waits for, and a step if it has a next line. Whether the shell execs the program does
    not change which server runs. Third, whether that program runs in the background."""
    launch = find_launch([line], shell_form=True)
    if launch is None or launch.server is not None:
        return None if launch is None else (launch, False, False)
    for at in reversed(range(len(jobs))):
        words, background = jobs[at]
        program = find_launch(words)
        execs = words[0] == "exec"
        if program is not None and program.runs_script and \
                (background or execs or at == len(jobs) - 1):
            return replace(program, via_shell=True), not (background or execs), background
    return None


def script_value(text: str, name: str, env: Mapping[str, str]) -> str | None:
    """The value a start script's `text` gives `name` where the server reads it, with `env`
    the container's environment: its last assignment's (`NAME=value`; `NAME=${NAME:-value}`
    only where the environment does not set it; `RUN_PORT=${PORT:-8000}` from another
    variable, the script's own before it, else the environment's), else the environment's.
    None where a part of it is unknown (a command's output, a variable nothing sets)."""
    return _resolved(text, name, env, frozenset())


def _resolved(text: str, name: str, env: Mapping[str, str],
              seen: frozenset[str]) -> str | None:
    if name in seen:
        return None
    last = None
    for last in re.finditer(rf"(?:^|[;&|\s])(?:export[ \t]+)?{re.escape(name)}="
                            r"(\"[^\"\n]*\"|'[^'\n]*'|[^\s;&|]*)", text, re.M):
        pass
    if last is None:
        return env.get(name)
    raw = last.group(1)
    if raw.startswith("'"):
        return raw[1:-1]   # single quotes: as written
    return _expanded(raw.strip('"'), text[:last.start()], name, env, seen | {name})


def _expanded(raw: str, before: str, name: str, env: Mapping[str, str],
              seen: frozenset[str]) -> str | None:
    """`raw` with each `$VAR`, `${VAR}` and `${VAR:-default}` replaced by its value: `name`'s
    own from the environment, another's as the script sets it before (`before`)."""
    out, at = [], 0
    for ref in _REFERENCE.finditer(raw):
        var = ref.group(1) or ref.group(3)
        value = env.get(var) if var == name else _resolved(before, var, env, seen)
        if not value and ref.group(2) is not None:
            value = _expanded(ref.group(2).strip("\"'"), before, name, env, seen)
        if value is None or "$(" in raw or "`" in raw:
            return None
        out += [raw[at:ref.start()], value]
        at = ref.end()
    return "".join([*out, raw[at:]]) if "$(" not in raw and "`" not in raw else None


# `$VAR`, `${VAR}`, `${VAR:-default}` (`-` too)
_REFERENCE = lazy_compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


def assigns(text: str, variable: str) -> bool:
    """The script sets `variable` itself (`PORT=9000`, `export PORT=${PORT:-8000}`): the
    value the container's environment gives it may not be the one the server reads."""
    return re.search(rf"(?:^|[;&|\s])(?:export[ \t]+|readonly[ \t]+|local[ \t]+)?"
                     rf"{re.escape(variable)}=", text) is not None

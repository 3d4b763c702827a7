"""Turning a shell-form CMD/ENTRYPOINT into exec (JSON) form, as text edits.

Without shell features the words become a JSON array; the words keep their lines
when the instruction is continued over several (comments between them stay where
they are). With shell features the command is kept whole as `["sh", "-c", "…"]` (or
the stage's SHELL), with `exec` before its last command so the server, not the
shell, is PID 1 and receives SIGTERM.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.sources.dockerfile import Dockerfile, Instruction
from fixer.sources.dockertext import (
    Line,
    Token,
    escape_char,
    instruction_tokens,
    line_start,
    physical_lines,
    tokenize,
)
from fixer.sources.launch import prefix_length, shell_script_at

DEFAULT_SHELL = ("sh", "-c")
# BusyBox's sh (ash) is one too: distroless `:debug` images have it as `/busybox/sh`
POSIX_SHELLS = lazy_compile(r"^(?:(/usr)?(/bin/)?|/busybox/)(sh|bash|ash|dash|zsh|ksh)$")
# Characters the shell gives a meaning: expansion, operators, redirects, globs (comments
# are found apart: what they hold means nothing).
_FEATURES = lazy_compile(r"[$`|&;<>()*?\[\]{}~!\n]")
_DOUBLED = {"&&", "||", ">>", "<<", ";;"}
# exec form would hand a comment's words to the program: the shell drops them
_TRAILING_COMMENT = "a trailing `#` comment, which the shell drops"
_COMMENT = "a `#` comment, which the shell drops"
# the reserved words of a compound command: a script holding one is no plain chain
_COMPOUND = frozenset({"if", "then", "elif", "else", "fi", "for", "while", "until", "do",
                       "done", "case", "esac", "{", "}"})
_NOT_EXECABLE = {"cd", "export", "set", "source", ".", "if", "for", "while", "until", "case",
                 "{", "!", "trap", "ulimit", "umask", "unset", "eval", "test", "[", "wait"}


@dataclass(frozen=True)
class Conversion:
    edits: list[TextEdit]
    shell: bool            # kept whole under a shell: behaviour may change


def shell_features(command: str) -> list[str]:
    """The shell features a command uses, quoted text aside (empty: plain words)."""
    found: list[str] = []
    quote = ""
    i = 0
    while i < len(command):
        char = command[i]
        if char == "\\" and quote != "'":
            i += 2
            continue
        if quote:
            if char == quote:
                quote = ""
            elif quote == '"' and char in "$`":
                found.append(char)
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or command[i - 1].isspace()):
            # a comment: named as one, and what it says (`ignore[D002]`) is no feature
            end = command.find("\n", i)
            found.append(_TRAILING_COMMENT if end < 0 else _COMMENT)
            i = len(command) if end < 0 else end
            continue
        elif _FEATURES.match(command, i):
            # named as written: `&&` is a list, `&` a background job
            feature = command[i:i + 2] if command[i:i + 2] in _DOUBLED else char
            found.append(feature)
            i += len(feature)
            continue
        i += 1
    if quote:
        return ["unbalanced quotes"]
    words = [t.raw for t in tokenize(command) if not t.operator]
    if words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        found.append(f"the variable assignment {words[0]}")
    return [f.strip() or "a line break" for f in dict.fromkeys(found)]


def convert(dockerfile: Dockerfile, instruction: Instruction,
            shell: tuple[str, ...] = DEFAULT_SHELL) -> Conversion | None:
    """The edits that put the instruction in exec form; None when it is empty."""
    command = " ".join(instruction.value).strip()
    if not command:
        return None
    text = dockerfile.file.text
    escape = escape_char(text)
    tokens = [t for t in instruction_tokens(text, instruction, escape) if not t.operator]
    lines = physical_lines(text, instruction, escape)
    if shell_features(command) and wrapped_script(command) is None:
        script = _tidy(text, lines, instruction, command)
        script = exec_last(script) or script
        array = json_array([*shell, script])
        return Conversion(_single_line(dockerfile, instruction, lines, tokens, array), True)
    words = [t.value for t in tokenize(command) if not t.operator]   # as sh unquotes them
    kept = tokens
    if words[0] == "exec":   # `exec` is the shell's; in exec form the program runs directly
        words, kept = words[1:], tokens[1:]
    if not words:
        return None
    inner = wrapped_script(command)
    if inner is not None:   # `sh -c "a & b"`: the inner shell must exec the server too
        words = [*words[:-1], exec_last(inner) or inner]
    same_line = not kept or line_start(text, kept[0].start) == line_start(text, tokens[0].start)
    if [t.value for t in kept] == words and _one_line_each(text, kept) and same_line:
        edits = _layout(dockerfile, kept)
        first = edits[0]
        edits[0] = TextEdit(first.path, tokens[0].start, first.end, first.text)
        return Conversion(edits, False)
    array = json_array(words)
    return Conversion(_single_line(dockerfile, instruction, lines, tokens, array), False)


def json_array(words: list[str] | tuple[str, ...]) -> str:
    """The words as an exec-form array, as the fix writes it: `["sh", "-c", "…"]`."""
    return "[" + ", ".join(json.dumps(w, ensure_ascii=False) for w in words) + "]"


def _one_line_each(text: str, tokens: list[Token]) -> bool:
    return all("\n" not in text[t.start:t.end] for t in tokens)


def _layout(dockerfile: Dockerfile, tokens: list[Token]) -> list[TextEdit]:
    """One edit per line: the words of each line become that line's part of the array."""
    text = dockerfile.file.text
    by_line: dict[int, list[Token]] = {}
    for token in tokens:
        by_line.setdefault(line_start(text, token.start), []).append(token)
    groups = [by_line[k] for k in sorted(by_line)]
    edits = []
    for number, group in enumerate(groups):
        rendered = ", ".join(json.dumps(t.value, ensure_ascii=False) for t in group)
        opening = "[" if number == 0 else ""
        closing = "]" if number == len(groups) - 1 else ","
        edits.append(TextEdit(dockerfile.path, group[0].start, group[-1].end,
                              opening + rendered + closing))
    return edits


def _single_line(dockerfile: Dockerfile, instruction: Instruction, lines: list[Line],
                 tokens: list[Token], array: str) -> list[TextEdit]:
    """The array on the instruction's first line; comment lines inside it move above it."""
    text = dockerfile.file.text
    start = tokens[0].start if tokens else instruction.end
    edits = [TextEdit(dockerfile.path, start, instruction.end, array)]
    comments = [text[line.start:line.line_end].strip() for line in lines
                if line.skipped and text[line.start:line.line_end].strip()]
    if comments:
        at = line_start(text, instruction.start)
        indent = text[at:instruction.start]
        newline = dockerfile.file.newline
        block = "".join(f"{indent}{comment}{newline}" for comment in comments)
        edits.insert(0, TextEdit(dockerfile.path, at, at, block))
    return edits


def _tidy(text: str, lines: list[Line], instruction: Instruction, joined: str) -> str:
    """The command on one line: continued lines joined with one space where they meet
    at a word boundary (BuildKit's own joined text otherwise)."""
    pieces = []
    for line in lines:
        if line.skipped:
            continue
        pieces.append(text[max(line.start, instruction.start):line.end])
    pieces[0] = pieces[0].split(None, 1)[1] if len(pieces[0].split(None, 1)) > 1 else ""
    bounded = all(a[-1:].isspace() or b[:1].isspace() or not a or not b
                  for a, b in zip(pieces, pieces[1:]))
    if not bounded:
        return joined
    return " ".join(p.strip() for p in pieces if p.strip())


def wrapped_script(command: str) -> str | None:
    """The script of a shell-form command that is itself a shell wrapper, plain words
    such as `sh -c "celery … & uvicorn …"` or `sh -c "uvicorn … --port ${PORT}"` (the
    wrapper's shell expands the script's features), behind the wrappers a command reads as
    such (`uv run sh -c "…"`, `tini -- sh -c "…"`: `prefix_length`); None for any other
    command."""
    if _outer_features(command):
        return None
    words = [t.value for t in tokenize(command) if not t.operator]
    at = prefix_length(words)
    words = words[at:] if at is not None else []
    script = shell_script_at(words) if words and POSIX_SHELLS.match(words[0]) else None
    return words[script] if script is not None and script == len(words) - 1 else None


def _outer_features(command: str) -> list[str]:
    """The shell features outside quotes: `sh -c "a $B"` has none of its own."""
    return shell_features(re.sub(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'", "''", command))


def bash_hands_over(script: str) -> str | None:
    """What `bash -c` runs in its own process, the shell replaced (bash 5.2, checked with
    `ps -p $$`): "a lone command" for one simple command, expansions and all, and "the last
    command of an `&&` list" for a list of simple commands joined by `&&`; None where bash
    stays PID 1, or where fixer does not claim otherwise: a pipeline, `&`, `||`, a subshell
    or block, a `;` or line break in the list (bash 5.2 keeps itself for `a; b && c`), a
    redirect on the last command, a trap, or a builtin last."""
    tokens = tokenize(script)
    operators = {t.raw for t in tokens if t.operator}
    if not operators <= {"&&"} or not tokens or tokens[-1].operator or any(
            not t.operator and t.raw in _COMPOUND | {"trap"} for t in tokens):
        return None
    last = [t for t in tokens[max((i for i, t in enumerate(tokens) if t.operator),
                                  default=-1) + 1:]]
    words = [t for t in last if not re.match(r"^[A-Za-z_]\w*=", t.raw)]
    if not words or words[0].value in _NOT_EXECABLE or words[0].value == "exec" or \
            any(_redirects(t.raw) for t in last):
        return None
    return "the last command of an `&&` list" if operators else "a lone command"


def _redirects(word: str) -> bool:
    """A word that is, or holds, a redirect outside quotes (`>`, `2>&1`, `<file`)."""
    return any(f in ("<", ">", ">>", "<<") for f in shell_features(word))


def exec_last(script: str) -> str | None:
    """The script with `exec` before its last command, when a plain `&&`/`;`/`&` chain
    ends in one: the server replaces the shell and receives SIGTERM (`celery … & exec
    uvicorn …`). None when no `exec` can do that: a pipeline, `||` (but of a command
    before a `;` that starts the last) or a subshell keeps the shell as PID 1, and a
    builtin (`wait`, `cd`) cannot be exec'd."""
    words = _last_command(script)
    if not words:
        return None
    if words[0].value == "exec":
        return script
    at = words[0].start
    return script[:at] + "exec " + script[at:]


def exec_shown(script: str) -> str | None:
    """`exec_last`'s script in short, for a title: `… exec celery …` (`exec uvicorn …` for
    a lone command), naming the program the container is handed to."""
    words = _last_command(script)
    if not words:
        return None
    program = words[1:] if words[0].value == "exec" else words
    if not program:
        return None
    before = "… " if script[:words[0].start].strip() else ""
    after = " …" if len(program) > 1 else ""
    return f"{before}exec {program[0].value}{after}"


def _last_command(script: str) -> list[Token] | None:
    """The words of the chain's last command (variable assignments before it left out),
    where an `exec` can reach it; None where none can. An `||` of an earlier command
    (`alembic upgrade head || exit 1; uvicorn …`) is fine where a `;` or a line break
    starts the last one: the shell runs it whatever came before, as its own command."""
    tokens = tokenize(script)
    if any(not t.operator and t.raw in _COMPOUND for t in tokens):
        return None   # `if …; then a; else b; fi`: the last word closes a block, no command
    while tokens and tokens[-1].raw in (";", "\n"):
        tokens = tokens[:-1]   # `uvicorn … --port 8000;`: a trailing `;` ends no command
    last_start = 0
    for index, token in enumerate(tokens):
        if token.operator:
            last_start = index + 1
    operators = {t.raw for t in tokens if t.operator}
    before = tokens[last_start - 1].raw if last_start else None
    if not operators <= {"&&", ";", "&", "\n"} | ({"||"} if before in (";", "\n") else set()):
        return None
    words = [t for t in tokens[last_start:] if not t.operator]
    while words and re.match(r"^[A-Za-z_]\w*=", words[0].raw):
        words = words[1:]   # `VAR=x exec prog` exports VAR to prog
    if words and words[0].value == "exec":
        return words
    return None if not words or words[0].value in _NOT_EXECABLE else words

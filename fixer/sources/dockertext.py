"""Dockerfile text below the parser: the escape character, physical lines, and the
shell words of an instruction with their offsets.

BuildKit's parser gives each instruction's joined value but not where its words
are written. Fixes that insert a package name or rewrite a command word by word
need those offsets, so this module scans the raw text the way BuildKit joins it:
an escape character at a line end continues the instruction, and comment or
blank lines inside a continuation are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fixer.core.lazyre import lazy_compile
from fixer.sources.dockerfile import Instruction
from fixer.sources.dockerfile_heredoc import heredocs
from fixer.sources.dockerfile_words import BadInstruction
from fixer.sources.launch import SHELL_NAMES, shell_script_at

_DIRECTIVE = lazy_compile(r"#\s*([A-Za-z][\w-]*)\s*=\s*(\S*)\s*")
_NO_DIRECTIVES = lazy_compile(r"\s*[^#\s]")   # text whose first line cannot be a directive
OPERATORS = ("&&", "||", ";;", ";", "|", "&", "(", ")", "\n")
REDIRECTS = lazy_compile(r"\d*(?:>>|>&|<&|>|<)")


def escape_char(text: str) -> str:
    """The `# escape=` parser directive's character (default backslash)."""
    if _NO_DIRECTIVES.match(text):
        return "\\"   # the first line is no comment: no directive, and no split of the text
    for line in text.splitlines():
        match = _DIRECTIVE.fullmatch(line.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2):
            return match.group(2)[0]
    return "\\"


@dataclass(frozen=True)
class Line:
    """One physical line of an instruction: text[start:end] is its content."""

    start: int            # first character of the line
    end: int              # before the continuation character (or the line end)
    line_end: int         # before the newline
    continued: bool       # ends with the escape character
    skipped: bool         # a comment or blank line inside a continuation


def physical_lines(text: str, instruction: Instruction, escape: str) -> list[Line]:
    """The instruction's lines, as BuildKit reads them."""
    lines: list[Line] = []
    position = text.rfind("\n", 0, instruction.start) + 1
    previous_continued = False
    while position <= instruction.end:
        newline = text.find("\n", position)
        line_end = len(text) if newline < 0 else newline
        if line_end > position and text[line_end - 1] == "\r":
            line_end -= 1
        content = text[position:line_end]
        stripped = content.rstrip(" \t")
        skipped = previous_continued and (not stripped.strip() or stripped.lstrip().startswith("#"))
        continued = not skipped and stripped.endswith(escape)
        end = position + len(stripped) - 1 if continued else line_end
        lines.append(Line(position, end, line_end, continued, skipped))
        if not skipped:
            previous_continued = continued
        if newline < 0:
            break
        position = newline + 1
    return lines


@dataclass(frozen=True)
class Token:
    """A shell word (quotes kept in `raw`, removed in `value`) or an operator."""

    raw: str
    value: str
    start: int
    end: int
    operator: bool = False


def instruction_tokens(text: str, instruction: Instruction, escape: str) -> list[Token]:
    """The shell tokens of a shell-form instruction's body (after its keyword and flags)."""
    return list(_instruction_tokens(text, instruction, escape))


# D003, S003, C004 and the stack check each tokenize the same RUN lines: once per run is enough.
# Bounded, so a long fix run does not keep every round's Dockerfiles alive.
@lru_cache(maxsize=8192)
def _instruction_tokens(text: str, instruction: Instruction, escape: str) -> tuple[Token, ...]:
    pieces: list[tuple[int, int]] = []
    lines = physical_lines(text, instruction, escape)
    data = _data_bodies(text, instruction, lines)
    for at, line in enumerate(lines):
        if not line.skipped and at not in data:
            pieces.append((max(line.start, instruction.start), line.end))
            if not line.continued:
                pieces.append((line.end, -1))  # an unescaped line end ends a command
    joined, offsets = _join(text, pieces)
    tokens = tokenize(joined)
    out = [Token(t.raw, t.value, offsets[t.start], offsets[t.end - 1] + 1, t.operator)
           for t in tokens]
    return tuple(_body_words(out))


def _body_words(tokens: list[Token]) -> list[Token]:
    """The tokens after the instruction's keyword and its flags (`RUN --mount=...`,
    `HEALTHCHECK --interval=...`)."""
    out = tokens[1:] if tokens and not tokens[0].operator else tokens
    while out and not out[0].operator and out[0].raw.startswith("--"):
        out = out[1:]
    return out


_HEREDOC_WORD = lazy_compile(r"\d*<<")


def _data_bodies(text: str, instruction: Instruction, lines: list[Line]) -> set[int]:
    """The lines (indices into `lines`) of heredoc bodies the RUN hands to a program as
    data, with their terminators: `RUN <<EOT cat > /usr/local/bin/tool` writes a script
    that nothing runs at build time, so an `apt-get install` in it installs nothing. A
    body is run when it is the whole command (`RUN <<EOT`) or a shell reads it."""
    if "<<" not in text[instruction.start:instruction.end]:
        return set()   # most RUNs: no heredoc at all
    first = next((at for at, line in enumerate(lines)
                  if not line.skipped and not line.continued), len(lines) - 1)
    head = "".join(text[max(line.start, instruction.start):line.end]
                   for line in lines[:first + 1] if not line.skipped)
    try:
        docs = heredocs(head)
    except BadInstruction:
        return set()
    if not docs:
        return set()
    readers = _heredoc_readers(_body_words(tokenize(head)))
    data: set[int] = set()
    at = first + 1
    for index, doc in enumerate(docs):
        body_start = at
        while at < len(lines):
            content = text[lines[at].start:lines[at].line_end]
            at += 1
            if (content.lstrip("\t") if doc.chomp else content) == doc.name:
                break
        if index < len(readers) and not readers[index]:
            data.update(range(body_start, at))
    return data


def _heredoc_readers(tokens: list[Token]) -> list[bool]:
    """For each heredoc word of a RUN's first line, in order, whether the build runs its body
    as a script: it feeds no command (`RUN <<EOT` alone: BuildKit runs the body), or a
    shell that reads its script from its input (`bash`, `sh -e`; not `sh -c '…'`, whose
    script is the argument, nor `sh setup.sh`)."""
    readers: list[bool] = []
    pending = 0
    words: list[str] = []
    target = False   # the word after `>`: a redirection's file, not the program
    for token in [*tokens, Token(";", ";", 0, 0, True)]:
        if token.operator:
            readers.extend([_runs_its_input(words)] * pending)
            pending, words, target = 0, [], False
        elif _HEREDOC_WORD.match(token.raw):
            pending += 1
        elif target:
            target = False
        elif (redirect := REDIRECTS.match(token.raw)) is not None:
            target = redirect.end() == len(token.raw)
        else:
            words.append(token.value)
    return readers


def _runs_its_input(words: list[str]) -> bool:
    """No command, or a shell given options only: not `-c` (`shell_script`), and no
    script file, which it would read instead of its input."""
    at = program_at(words)
    if at == len(words):
        return True
    command = words[at:]
    if command[0].rsplit("/", 1)[-1] not in SHELL_NAMES or shell_script(command) is not None:
        return False
    options = command[1:]
    return all(word.startswith(("-", "+")) or (i and options[i - 1] in ("-o", "+o"))
               for i, word in enumerate(options))


def shell_script(words: list[str]) -> str | None:
    """The script of `sh -c SCRIPT` (options before `-c` allowed), else None."""
    at = shell_script_at(words)
    return words[at] if at is not None else None


def _join(text: str, pieces: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """The pieces joined as BuildKit joins continued lines, and each character's offset."""
    chars: list[str] = []
    offsets: list[int] = []
    for start, end in pieces:
        if end < 0:
            chars.append("\n")
            offsets.append(start)
            continue
        chars.extend(text[start:end])
        offsets.extend(range(start, end))
    return "".join(chars), offsets


def tokenize(script: str) -> list[Token]:
    """Split a shell script into words and operators, with offsets into `script`."""
    tokens: list[Token] = []
    i, length = 0, len(script)
    while i < length:
        char = script[i]
        if char in " \t\r":
            i += 1
            continue
        if char == "#":
            while i < length and script[i] != "\n":
                i += 1
            continue
        operator = next((op for op in OPERATORS if script.startswith(op, i)), None)
        if operator is not None:
            tokens.append(Token(operator, operator, i, i + len(operator), True))
            i += len(operator)
            continue
        end, value = _word(script, i)
        tokens.append(Token(script[i:end], value, i, end))
        i = end
    return tokens


def _word(script: str, i: int) -> tuple[int, str]:
    """The end of the word starting at i and its value with quotes removed."""
    value: list[str] = []
    length = len(script)
    while i < length:
        char = script[i]
        if char in "<>" and script.startswith("&", i + 1):  # `2>&1` is one word
            value.append(script[i:i + 2])
            i += 2
        elif char == "$" and script.startswith("(", i + 1):  # `$(nproc)` is part of a word
            end = _substitution_end(script, i + 1)
            value.append(script[i:end])
            i = end
        elif char in " \t\r\n;&|()":
            break
        elif char == "\\" and i + 1 < length:
            value.append(script[i + 1])
            i += 2
        elif char == "'":
            close = script.find("'", i + 1)
            close = length if close < 0 else close
            value.append(script[i + 1:close])
            i = close + 1
        elif char == '"':
            i = _double_quoted(script, i + 1, value)
        else:
            value.append(char)
            i += 1
    return min(i, length), "".join(value)


def _substitution_end(script: str, i: int) -> int:
    """The end of the `(...)` opening at i (a command substitution, `$((1 + 2))`): nested
    parentheses counted, quoted ones skipped; the script's end when it never closes."""
    depth, length = 0, len(script)
    while i < length:
        char = script[i]
        if char == "\\":
            i += 2
            continue
        if char in "'\"":
            close = script.find(char, i + 1)
            i = length if close < 0 else close + 1
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        i += 1
        if depth == 0:
            return i
    return length


def _double_quoted(script: str, i: int, value: list[str]) -> int:
    length = len(script)
    while i < length and script[i] != '"':
        if script[i] == "\\" and i + 1 < length and script[i + 1] in '"\\$`\n':
            value.append(script[i + 1])
            i += 2
        else:
            value.append(script[i])
            i += 1
    return i + 1


def commands(tokens: list[Token]) -> list[list[Token]]:
    """Simple commands: the words between operators, redirections and their targets removed."""
    out: list[list[Token]] = []
    current: list[Token] = []
    skip_next = False
    for token in tokens:
        if token.operator:
            if current:
                out.append(current)
            current = []
            continue
        if skip_next:
            skip_next = False
            continue
        redirect = REDIRECTS.match(token.raw)
        if redirect is not None:
            skip_next = redirect.end() == len(token.raw)  # `> file`: the target is the next word
            continue
        current.append(token)
    if current:
        out.append(current)
    return out


_ASSIGNMENT = lazy_compile(r"^[A-Za-z_]\w*=")
# words that run the program after them (`sudo apt-get ...`, `env PIP_NO_CACHE=1 pip ...`)
_RUNNERS = frozenset(("sudo", "env", "exec", "command"))
# reserved words that open the command after them (`then apt-get purge -y curl` in an `if`)
_OPENERS = frozenset(("then", "else", "do", "{", "!"))


def run_commands(text: str, instruction: Instruction) -> list[list[str]]:
    """A RUN's simple commands as words (`text`: the Dockerfile's), each followed by those of
    the shell script it wraps, if any (`bash -c "if ...; then poetry install; fi"`, `RUN
    ["sh", "-c", "..."]`): the commands the build runs."""
    if instruction.json:
        found = [list(instruction.value)]
    else:
        found = [[w.value for w in words]
                 for words in commands(instruction_tokens(text, instruction, escape_char(text)))]
    out: list[list[str]] = []
    for argv in found:
        out.append(argv)
        script = shell_script(argv[program_at(argv):])
        if script is not None:
            out.extend([w.value for w in words] for words in commands(tokenize(script)))
    return out


def program_at(words: list[str]) -> int:
    """Where a simple command's program is: past `sudo`, `env`, `exec`, `command`, the
    `VAR=value` assignments before it, and a reserved word that opens it (`then`, `else`,
    `do`: the command of an `if` or a loop)."""
    i = 0
    while i < len(words) and (words[i] in _RUNNERS or words[i] in _OPENERS or
                              _ASSIGNMENT.match(words[i])):
        i += 1
    return i


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def comments_above(text: str, at: int) -> int:
    """The start of the comment lines right above the line that starts at `at` (`at` when
    there are none): what a line written above it keeps with it, as they describe it."""
    while at > 0:
        above = line_start(text, at - 1)
        if not text[above:at].lstrip().startswith("#"):
            break
        at = above
    return at


def indentation(text: str, keyword: int) -> str:
    """The blanks before an instruction's keyword (at offset `keyword`) on its line: what a
    line written beside it starts with, where a Dockerfile indents its stages' lines."""
    return text[line_start(text, keyword):keyword]

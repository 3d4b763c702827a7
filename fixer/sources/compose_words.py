"""A compose `command:` or `entrypoint:` written as a string, split into the words Compose
runs. Compose starts no shell for it: it splits the string itself, by rules that are not a
shell's, and a reading by a shell's rules (`shlex`) saw another program than the one that
runs.

What Compose's split does (each shown by `docker compose config` in
tests/test_compose_words.py):
- a backslash outside single quotes takes the next character as it is, inside double quotes
  too: `"e\\f"` is `ef`, where a shell keeps `e\\f`; so `bash -c "a &&\\ b"` runs `a && b`;
  before a line break it keeps the line break in the word;
- `;`, `&`, `|`, `<` and `>` outside quotes end the command: the words before them are all
  that runs (`alembic upgrade head && uvicorn main:app` runs the migration only), less a
  word before `>` that starts with a digit (`2>`);
- `#` starts no comment; a backquoted part and a `$(...)` keep their spaces and stay in
  the word as written;
- a quote left open, a backslash at the end, a `(` not after `$`, or a `)` that opens more
  than it closes (Compose's split takes a `)` outside `$(...)` for an opening): Compose
  refuses the file ("invalid command line string").
"""

from __future__ import annotations

from dataclasses import dataclass, field

_SPACES = frozenset(" \t\r\n")
_ENDS = frozenset(";&|<>")


@dataclass
class _Split:
    words: list[str] = field(default_factory=list)
    word: list[str] = field(default_factory=list)
    started: bool = False    # a word is under way, perhaps an empty one (`""`)
    escaped: bool = False
    single: bool = False
    double: bool = False
    backquoted: bool = False
    substituted: bool = False   # inside `$(...)`

    def quoted(self) -> bool:
        return self.single or self.double or self.backquoted or self.substituted

    def add(self, char: str) -> None:
        self.word.append(char)
        self.started = True

    def end_word(self) -> None:
        if self.started:
            self.words.append("".join(self.word))
        self.word, self.started = [], False


def compose_words(text: str) -> list[str]:
    """The words Compose runs for `text`; where Compose refuses it (and so the file), its
    words between spaces, which is all fixer can read of it."""
    try:
        return split_command(text)
    except ValueError:
        return text.split()


def split_command(text: str) -> list[str]:
    """The words Compose runs for `text`; ValueError where Compose refuses it."""
    split = _Split()
    for char in text:
        if split.escaped:
            split.escaped = False
            split.add(char)
        elif char == "\\" and not split.single:
            split.escaped = True
        elif char in _SPACES and not split.quoted():
            split.end_word()
        elif char in _ENDS and not split.quoted():
            if char == ">" and split.word[:1] and split.word[0].isdigit():
                split.word, split.started = [], False   # a redirect's descriptor (`2>`)
            break
        elif not _quote(split, char):
            split.add(char)
    if split.escaped or split.quoted():
        raise ValueError("invalid command line string")
    split.end_word()
    return split.words


def _quote(split: _Split, char: str) -> bool:
    """Whether `char` opened or closed a quote and is no part of the word; it toggles the
    backquote and `$(` states, which stay in the word (False)."""
    if char == '"' and not (split.single or split.substituted):
        split.double, split.started = not split.double, True
        return True
    if char == "'" and not (split.double or split.substituted):
        split.single, split.started = not split.single, True
        return True
    if split.single or split.double:
        return False
    if char == "`" and not split.substituted:
        split.backquoted = not split.backquoted
    elif char == "(" and not split.backquoted:
        if split.substituted or not split.word or split.word[-1] != "$":
            raise ValueError("invalid command line string")
        split.substituted = True
    elif char == ")" and not split.backquoted:
        split.substituted = not split.substituted   # `))` is a word, `a)b` left open
    return False

"""Heredocs of a RUN, COPY or ADD line (`<<EOF`, `<<-EOF`, `3<<'EOF'`), found as BuildKit
finds them.

BuildKit splits the whole line into shell words with its variable-expanding lexer (no
variables set, unset ones left as written) and takes each word of the form
`[fd]<<[-]NAME` as a heredoc, blanks after `<<` included (`<< 'EOF'`, since BuildKit
v0.22). A line the lexer cannot split (an open quote, a bad `${...}`) has no heredocs; a
NAME it cannot split is an error. The lexer's rules are reproduced here because they
decide which words exist, hence which lines that follow the instruction are a heredoc
body.
"""

from __future__ import annotations

from dataclasses import dataclass

from fixer.core.lazyre import lazy_compile
from fixer.sources.dockerfile_words import GO_SPACE, BadInstruction, go_quote

_HEREDOC = lazy_compile(r"([0-9]*)<<(-?)\s*([^<]*)")
# what may stand between `<<` and a heredoc's name
_HEREDOC_BLANKS = frozenset(" \t\r")
_SPECIAL_PARAMETERS = "@*#?-$!0"
_SPACES = frozenset(GO_SPACE)


@dataclass(frozen=True)
class Heredoc:
    name: str      # the terminator line
    chomp: bool    # `<<-`: leading tabs of the terminator line do not count


class _LexError(ValueError):
    pass


def heredocs(line: str) -> list[Heredoc]:
    """The heredocs a shell-form RUN, COPY or ADD line opens, in order."""
    if "<<" not in line:
        return []
    try:
        found = _ShellWords(line, raw_quotes=True, raw_escapes=True).words()
    except _LexError:
        return []
    return [doc for doc in map(_heredoc, found) if doc is not None]


def _heredoc(word: str) -> Heredoc | None:
    match = _HEREDOC.fullmatch(word)
    if match is None or not match.group(3):
        return None
    rest = match.group(3)
    plain = _split(rest, raw_quotes=False)
    if len(plain) != 1:
        return None
    if len(_split(rest, raw_quotes=True)) != 1:
        raise BadInstruction(f"internal lexing of heredoc produced inconsistent results: {rest}")
    return Heredoc(plain[0], match.group(2) == "-")


def _split(rest: str, raw_quotes: bool) -> list[str]:
    try:
        return _ShellWords(rest, raw_quotes=raw_quotes, raw_escapes=False).words()
    except _LexError as exc:
        raise BadInstruction(f"failed to process {go_quote(rest)}: {exc}") from None


class _Words:
    """Words as the lexer collects them: expanded text splits on spaces, quoted text does not."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.word = ""
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch not in _SPACES:
            self.add_raw(ch)
        elif self.in_word and self.word:
            self.found.append(self.word)
            self.word, self.in_word = "", False

    def add_expanded(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw(self, text: str) -> None:
        self.word += text
        self.in_word = True

    def done(self) -> list[str]:
        if self.word:
            self.found.append(self.word)
        return self.found


class _ShellWords:
    """BuildKit's shell lexer with the escape `\\`, no variables set, unset ones kept."""

    def __init__(self, text: str, raw_quotes: bool, raw_escapes: bool) -> None:
        self.text = text
        self.pos = 1 if text.startswith("\ufeff") else 0   # Go's text scanner skips a BOM
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def words(self) -> list[str]:
        return self._until("")[1]

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _next(self) -> str:
        ch = self._peek()
        self.pos += bool(ch)
        return ch

    def _until(self, stop: str) -> tuple[str, list[str]]:
        """Read to `stop` (consumed) or the end: the text read and its words."""
        result: list[str] = []
        words = _Words()
        while ch := self._peek():
            if stop and ch == stop:
                self._next()
                return "".join(result), words.done()
            if ch in "$'\"<":
                text = self._dollar() if ch == "$" else self._angle() if ch == "<" else \
                    self._quoted(ch)
                result.append(text)
                if ch == "$":
                    words.add_expanded(text)
                else:
                    words.add_raw(text)
                continue
            self._next()
            if ch == "\\":
                if self.raw_escapes:
                    words.add_raw(ch)
                    result.append(ch)
                ch = self._next()
                if not ch:
                    break
                words.add_raw(ch)
            else:
                words.add_char(ch)
            result.append(ch)
        if stop:
            raise _LexError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.done()

    def _angle(self) -> str:
        """`<`, or `<<` with the blanks after it (`<< 'EOF'`), kept in the word: BuildKit
        since v0.22 reads a heredoc's name after blanks too."""
        self._next()
        if self._peek() != "<":
            return "<"
        self._next()
        blanks = ""
        while (ch := self._peek()) and ch in _HEREDOC_BLANKS:
            blanks += self._next()
        return "<<" + blanks

    def _quoted(self, quote: str) -> str:
        return self._single_quoted() if quote == "'" else self._double_quoted()

    def _opening(self) -> list[str]:
        quote = self._next()
        return [quote] if self.raw_quotes else []

    def _closing(self, out: list[str], quote: str) -> str:
        if self.raw_quotes:
            out.append(quote)
        return "".join(out)

    def _single_quoted(self) -> str:
        out = self._opening()
        while ch := self._next():
            if ch == "'":
                return self._closing(out, ch)
            out.append(ch)
        raise _LexError("unexpected end of statement while looking for matching single-quote")

    def _double_quoted(self) -> str:
        out = self._opening()
        while ch := self._peek():
            if ch == '"':
                return self._closing(out, self._next())
            if ch == "$":
                out.append(self._dollar())
                continue
            self._next()
            if ch == "\\":
                if self.raw_escapes:
                    out.append(ch)
                if not self._peek():
                    continue
                if self._peek() in ('"', "$", "\\"):
                    ch = self._next()
            out.append(ch)
        raise _LexError("unexpected end of statement while looking for matching double-quote")

    def _dollar(self) -> str:
        """`$name`, `${name}` or `${name<modifier>word}`, kept as written (nothing is set)."""
        self._next()
        if self._peek() != "{":
            return "$" + self._name()
        self._next()
        if not self._peek():
            raise _LexError("syntax error: missing '}'")
        if self._peek() in "{}:":
            raise _LexError("syntax error: bad substitution")
        name = self._name()
        ch = self._next()
        if ch == "}":
            return "${" + name + "}"
        modifier = ch or "\ufffd"
        if ch == ":":
            modifier += self._next() or "\ufffd"
        elif ch not in ("+", "-", "?"):
            raise _LexError(f"unsupported modifier ({modifier}) in substitution")
        try:
            word = self._until("}")[0]
        except _LexError:
            if not self._peek():
                raise _LexError("syntax error: missing '}'") from None
            raise
        return "${" + name + modifier + word + "}"

    def _name(self) -> str:
        first = self._peek()
        if first.isdecimal():
            return self._digits()
        if first and first in _SPECIAL_PARAMETERS:
            return self._next()
        chars: list[str] = []
        while (ch := self._peek()) and (ch.isalpha() or ch.isdecimal() or ch == "_"):
            chars.append(self._next())
        return "".join(chars)

    def _digits(self) -> str:
        chars: list[str] = []
        while (ch := self._peek()) and ch.isdecimal():
            chars.append(self._next())
        return "".join(chars)

"""Where a port is written, found from parser positions: the words of an exec-form
CMD (its JSON strings) or of a compose `command:` list (its YAML items), the digits
inside one word, the ENV/ARG of a stage, and the place a missing port flag goes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.sources.compose import ComposeDoc, Value, elements
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain
from fixer.sources.launch import Launch

_JSON_STRING = lazy_compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class Site:
    """Where a port number is written: the digits at text[start:end] of `path`."""

    path: str
    start: int
    end: int

    def edit(self, port: int) -> TextEdit:
        """The digits rewritten to `port`."""
        return TextEdit(self.path, self.start, self.end, str(port))


@dataclass(frozen=True)
class Word:
    """One argv word as written: its content is text[start:end] (inside any quotes)."""

    value: str
    start: int
    end: int
    quote: str = ""


@dataclass(frozen=True)
class Addition:
    """Where text that sets the port can be inserted; `{port}` in the template is the port."""

    path: str
    offset: int
    template: str

    @property
    def site(self) -> Site:
        """Where the inserted text lands: what a fix judges (an anchor, Python source)
        before it renders the text."""
        return Site(self.path, self.offset, self.offset)

    def edit(self, port: int) -> TextEdit:
        return TextEdit(self.path, self.offset, self.offset, self.template.format(port=port))


def json_words(text: str, start: int, end: int) -> list[Word]:
    """The strings of the exec-form JSON array in text[start:end]."""
    words = []
    for match in _JSON_STRING.finditer(text, max(text.find("[", start, end), start), end):
        inner = text[match.start() + 1:match.end() - 1]
        # printable and unescaped: the string is its own value (JSON refuses only control
        # characters there), without a decoder call per word
        if "\\" in inner or not inner.isprintable():
            try:
                inner = json.loads(match.group(0))
            except ValueError:
                return []
        words.append(Word(inner, match.start() + 1, match.end() - 1, '"'))
    return words


def yaml_words(doc: ComposeDoc, value: Value) -> list[Word]:
    """The items of a compose sequence; block scalars span their whole node."""
    words = []
    for item in elements(value):
        node = item.node
        start, end = node.start_mark.index, node.end_mark.index
        style = getattr(node, "style", None) or ""
        if style in ("'", '"'):
            words.append(Word(str(node.value), start + 1, end - 1, style))
        else:
            words.append(Word(str(getattr(node, "value", "")), start, end))
    return words


def number_sites(path: str, text: str, start: int, end: int, port: int) -> list[Site]:
    """Each whole number `port` written in text[start:end]."""
    pattern = re.compile(rf"(?<![\d.]){port}(?!\d)")
    return [Site(path, m.start(), m.end()) for m in pattern.finditer(text, start, end)]


# `--port 8000`, `--port=8000`, `-b 0.0.0.0:8000`, `-b:8000`, `--port ${PORT:-8000}` inside a
# script (`$${PORT:-8000}` in a compose command, where `$$` escapes the `$`).
_FLAG_PORT = (r"(?<![\w-])(?:(?:--port|--bind)(?:=|\s+)|-b(?:=|\s+)?)['\"]?(?:[^\s'\"]*?:)?"
              r"(?:\$?\$\{{\w+:?-)?({port})(?!\d)")


def flag_sites(path: str, text: str, start: int, end: int, port: int) -> list[Site]:
    """The port after a port flag in a command written as one string."""
    pattern = re.compile(_FLAG_PORT.format(port=port))
    return [Site(path, m.start(1), m.end(1)) for m in pattern.finditer(text, start, end)]


def token_sites(path: str, text: str, words: list[Word] | None, span: tuple[int, int],
                launch: Launch, port: int) -> list[Site]:
    """Where the launch's port token is written, when it holds the digits of `port`."""
    if words is not None and launch.port_index is not None and launch.port_index < len(words):
        indexes = [launch.port_index, *(i for i in launch.also_at if i < len(words))]
        return [site for i in indexes
                for site in number_sites(path, text, words[i].start, words[i].end, port)]
    if words is not None and launch.script_index is not None and launch.script_index < len(words):
        word = words[launch.script_index]
        return flag_sites(path, text, word.start, word.end, port)
    return flag_sites(path, text, span[0], span[1], port)


@dataclass(frozen=True)
class StageEnv:
    values: dict[str, str]
    sites: dict[str, Site]


def stage_env(dockerfile: Dockerfile, stage: Stage,
              build_args: Mapping[str, str | None] | None = None) -> StageEnv:
    """ENV and ARG defaults of a stage, and where each number is written; an ENV that
    reads an ARG (`ENV PORT=${PORT}`) points at the ARG's digits. An `ARG PORT` with no
    value takes the default of the `ARG PORT=8000` declared before the first FROM, and
    points at its digits (Docker's global scope). An ARG compose's `build.args` sets has
    that value (`$NAME`, unresolved, when fixer cannot know it) and no site in the
    Dockerfile: its default is not what the build uses."""
    found = StageEnv({}, {})
    _read_stage(dockerfile, stage, build_args or {}, found)
    return found


def run_env(dockerfile: Dockerfile, stage: Stage,
            build_args: Mapping[str, str | None] | None = None) -> StageEnv:
    """The environment the image gives its container: the ENV of the stage and of the
    stages it is built from, each read as `stage_env` reads it (`ENV PORT=${PORT}` carries
    the ARG's value, or the build arg's). An ARG alone is not there: it exists during the
    build only, and Docker substitutes no variable of CMD, ENTRYPOINT or HEALTHCHECK, which
    the container's shell expands at run time."""
    found = StageEnv({}, {})
    for link in reversed(chain(dockerfile, stage)):
        carried = set(found.values)
        _read_stage(dockerfile, link, build_args or {}, found)
        carried |= {name for i in link.find("ENV") for name, _raw in _pairs(i)}
        for name in set(found.values) - carried:   # an ARG of this stage's build only
            del found.values[name]
            found.sites.pop(name, None)
    return found


def build_only(dockerfile: Dockerfile, stage: Stage, name: str) -> bool:
    """Whether `name` is a build argument of the stage (or of one it is built from) that no
    ENV carries into the container: a command that reads it at run time gets nothing."""
    return name not in run_env(dockerfile, stage).values and any(
        a.partition("=")[0] == name for link in chain(dockerfile, stage)
        for i in link.find("ARG") for a in i.value)


def global_env(dockerfile: Dockerfile,
               build_args: Mapping[str, str | None] | None = None) -> StageEnv:
    """The defaults of the ARGs declared before the first FROM, and where each number is
    written; one that compose's `build.args` sets has that value, and no site."""
    found = StageEnv({}, {})
    _read_instructions(dockerfile, dockerfile.global_args, build_args or {}, found,
                       in_stage=False)
    return found


def _read_stage(dockerfile: Dockerfile, stage: Stage, given: Mapping[str, str | None],
                found: StageEnv) -> None:
    """Reads the stage's ENV and ARG lines into `found`, over what it holds already."""
    _read_instructions(dockerfile, stage.instructions, given, found)


def _read_instructions(dockerfile: Dockerfile, instructions: list[Instruction],
                       given: Mapping[str, str | None], found: StageEnv,
                       in_stage: bool = True) -> None:
    """`in_stage`: the instructions are a stage's, whose `ARG NAME` with no value takes the
    global one's default; the global ARGs themselves (before the first FROM) have no scope
    above them."""
    values, sites = found.values, found.sites
    text = dockerfile.file.text
    scope: StageEnv | None = None   # the global ARGs, read at the first ARG with no value
    for instruction in instructions:
        if instruction.cmd not in ("ENV", "ARG"):
            continue
        if instruction.cmd == "ARG":
            for name, sep, _value in (a.partition("=") for a in instruction.value):
                if name in given:
                    sites.pop(name, None)
                    values[name] = given[name] or f"${name}"
                elif not sep and name not in values and in_stage and dockerfile.global_args:
                    # `ARG PORT` takes the global `ARG PORT=8000`'s default; an ENV set
                    # before it (in a stage it is built from) still wins, as in Docker
                    scope = scope or global_env(dockerfile, given)
                    _take(scope, name, found)
        for name, raw in _pairs(instruction):
            if instruction.cmd == "ARG" and name in given:
                continue
            # a later ENV/ARG replaces the value and where it is written; `ENV PORT=$PORT`
            # keeps the ARG's
            earlier = sites.pop(name, None)
            reference = re.fullmatch(r"\$\{?(\w+)(?::?-(\d+))?\}?", raw)
            if reference and reference.group(1) in values:
                values[name] = values[reference.group(1)]
                site = earlier if reference.group(1) == name else sites.get(reference.group(1))
                if site is not None:
                    sites[name] = site
                continue
            values[name] = reference.group(2) if reference and reference.group(2) else raw
            pattern = re.compile(rf"(?<![\w$]){re.escape(name)}(?:=|\s+)(?:\S*?-)?[\"']?(\d+)\b")
            match = pattern.search(text, instruction.start, instruction.end)
            if match and match.group(1) == values[name]:
                sites[name] = Site(dockerfile.path, match.start(1), match.end(1))


def _take(scope: StageEnv, name: str, found: StageEnv) -> None:
    """`name`'s value from `scope` into `found`, with the site it is written at."""
    if name in scope.values:
        found.values[name] = scope.values[name]
        if name in scope.sites:
            found.sites[name] = scope.sites[name]


def _pairs(instruction: Instruction) -> list[tuple[str, str]]:
    """(name, value) of an ENV or ARG, the value unquoted as BuildKit reads it
    (`ENV PORT="7860"` sets 7860)."""
    if instruction.cmd == "ARG":
        return [(n, _unquoted(v)) for n, sep, v in (a.partition("=") for a in instruction.value)
                if sep]
    values = instruction.value
    return [(values[i], _unquoted(values[i + 1])) for i in range(0, len(values) - 1, 2)]


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def flag_words(server: str | None, port: str) -> list[str] | None:
    """The words that set the port for a server that ran on its default."""
    if server in ("gunicorn", "hypercorn"):
        return ["--bind", f"0.0.0.0:{port}"]
    if server in ("uvicorn", "fastapi", "granian"):
        return ["--port", port]
    return None


def json_addition(dockerfile: Dockerfile, instruction: Instruction,
                  words: list[str]) -> Addition | None:
    """Append words to an exec-form JSON array, just before its `]`."""
    text = dockerfile.text_of(instruction)
    close = text.rfind("]")
    if close < 0:
        return None
    at = instruction.start + len(text[:close].rstrip())
    template = "".join(", " + json.dumps(w).replace("{", "{{").replace("}", "}}") for w in words)
    return Addition(dockerfile.path, at, template.replace("{{port}}", "{port}"))


def yaml_addition(doc: ComposeDoc, value: Value, words: list[str]) -> Addition | None:
    """Append words to a compose `command:` (flow or block list, or a one-line string)."""
    node, text = value.node, doc.file.text
    if value.aliased:
        return None
    if isinstance(node, yaml.ScalarNode):
        style = node.style or ""
        if style not in ("", "'", '"') or "\n" in doc.source(node):
            return None
        at = node.end_mark.index - (1 if style else 0)
        return Addition(doc.path, at, " " + " ".join(words))
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        return None
    last = node.value[-1]
    quote = getattr(node.value[0], "style", None) or ""
    quote = quote if quote in ("'", '"') else ""
    # Flags stay plain like the items around them; the port is always quoted (a string).
    mark = quote or '"'
    items = [w if w.startswith("-") and not quote else mark + w + mark for w in words]
    if node.flow_style:
        return Addition(doc.path, last.end_mark.index, "".join(", " + i for i in items))
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    prefix = text[line_start:last.start_mark.index]  # `    - `: the item's own indent and dash
    line_end = text.find("\n", last.end_mark.index)
    at = len(text) if line_end < 0 else line_end - (1 if text[line_end - 1] == "\r" else 0)
    newline = doc.file.newline
    return Addition(doc.path, at, "".join(f"{newline}{prefix}{i}" for i in items))

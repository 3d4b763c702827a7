"""System package installs in a Dockerfile stage (`apt-get install`, `apk add`), where
their package names are written, and the edits that add one more package or a new
install layer in the file's own style.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.edits import TextEdit
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage
from fixer.sources.dockertext import (
    Line,
    Token,
    commands,
    comments_above,
    escape_char,
    instruction_tokens,
    line_start,
    physical_lines,
    program_at,
    shell_script,
    tokenize,
)


# Options that take a value, per package manager (the value is not a package).
_VALUE_OPTIONS = {
    "apt": {"-o", "-t", "-c", "--option", "--target-release", "--config-file"},
    "apk": {"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch", "--cache-dir",
            "--keys-dir", "--repositories-file"},
    "yum": {"--setopt", "--enablerepo", "--disablerepo", "--releasever", "-c", "--config"},
}
_PROGRAMS = {"apt-get": ("apt", "install"), "apt": ("apt", "install"),
             "apk": ("apk", "add"), "yum": ("yum", "install"), "dnf": ("yum", "install"),
             "microdnf": ("yum", "install")}
# What hadolint reports for an unpinned package, per manager.
UNPINNED_CODE = {"apt": "DL3008", "apk": "DL3018"}
NEW_LAYER = {
    "apt": "RUN apt-get update && apt-get install -y --no-install-recommends {packages} "
           "&& rm -rf /var/lib/apt/lists/*",
    "apk": "RUN apk add --no-cache {packages}",
}


@dataclass(frozen=True)
class PackageInstall:
    manager: str                  # "apt", "apk", "yum"
    instruction: Instruction
    packages: tuple[Token, ...]   # the package words, where they are written
    group: str | None = None      # apk `--virtual NAME`: a group `apk del NAME` removes
    # in the script of a shell wrapper (`sh -c "apt-get install -y curl"`, exec-form
    # `["/bin/sh", "-c", "…"]`): its words sit inside one quoted argument, where no edit goes
    wrapped: bool = False

    def names(self) -> list[str]:
        return [package_name(w.value) for w in self.packages]

    @property
    def pinned(self) -> bool:
        """Every package carries a version (hadolint reports none of them)."""
        return bool(self.packages) and all(re.search(r"[=~<>]", w.value) for w in self.packages)


def package_name(word: str) -> str:
    """`curl=7.88.1-10` / `curl:amd64` / `curl~8` -> `curl`."""
    return re.split(r"[=:~<>]", word, maxsplit=1)[0].lower()


# per Dockerfile (kept with its file): stage index -> its package installs. D003, S003, C004
# and the stack check each ask for every service's stages, several times a round.
_INSTALLS: Memo[dict[int, list[PackageInstall]]] = Memo("package installs")


def installs(dockerfile: Dockerfile, stage: Stage) -> list[PackageInstall]:
    """Every package install command in the stage's shell-form RUN instructions.
    The value is shared: callers read it, never change it."""
    return dockerfile.file.derived.keyed(_INSTALLS, stage.index,
                                         lambda: _find_installs(dockerfile, stage))


def _find_installs(dockerfile: Dockerfile, stage: Stage) -> list[PackageInstall]:
    found: list[PackageInstall] = []
    for instruction, words in _run_commands(dockerfile, stage):
        install = _install(instruction, words)
        if install is not None:
            found.append(install)
    return found


# The subcommands that take packages out again, per program; `autoremove` takes out the
# packages it is given too (`apt-get autoremove -y gcc curl`).
_REMOVING = {"apk": ("del",), "apt-get": ("purge", "remove", "autoremove"),
             "apt": ("purge", "remove", "autoremove"), "yum": ("remove", "erase", "autoremove"),
             "dnf": ("remove", "erase", "autoremove"), "microdnf": ("remove",)}


# per Dockerfile (kept with its file): stage index -> the names its RUNs remove
_REMOVED: Memo[dict[int, frozenset[str]]] = Memo("removed packages")


def removed(dockerfile: Dockerfile, stage: Stage) -> frozenset[str]:
    """The names the stage's RUNs remove with a package manager (`apt-get purge -y curl`,
    `apk del .build-deps`): packages, and `--virtual` groups gone with all they installed."""
    return dockerfile.file.derived.keyed(_REMOVED, stage.index,
                                         lambda: _find_removed(dockerfile, stage))


def _find_removed(dockerfile: Dockerfile, stage: Stage, surely: bool = False) -> frozenset[str]:
    found: set[str] = set()
    for instruction, words in _run_commands(dockerfile, stage):
        program = posixpath.basename(words[0].value) if words else ""
        options = _VALUE_OPTIONS[_PROGRAMS[program][0]] if program in _PROGRAMS else set()
        rest = _operands(words[1:], options)   # `apt-get -y purge curl`: options first
        if len(rest) > 1 and rest[0].value in _REMOVING.get(program, ()) and \
                (not surely or _unconditional(dockerfile, instruction, words,
                                              words[0].start == words[1].start)):
            found.update(package_name(w.value) for w in _operands(rest[1:], options))
    return frozenset(found)


# per Dockerfile (kept with its file): stage index -> the names its RUNs remove on every build
_SURELY_REMOVED: Memo[dict[int, frozenset[str]]] = Memo("packages removed on every build")


def surely_removed(dockerfile: Dockerfile, stage: Stage) -> frozenset[str]:
    """The names the stage's RUNs remove on every build (`removed`, less the purges under
    an `if`, a test or `||` that a build argument may skip)."""
    return dockerfile.file.derived.keyed(_SURELY_REMOVED, stage.index,
                                         lambda: _find_removed(dockerfile, stage, True))


# per Dockerfile (kept with its file): stage index -> the simple commands of its RUNs. The
# installs and removals of a stage are asked several times per service (D003, S003, C004,
# the stack check): the RUN lines are split into commands once.
_COMMANDS: Memo[dict[int, list[tuple[Instruction, list[Token]]]]] = Memo("RUN commands")


def runs_a_script(dockerfile: Dockerfile, stage: Stage) -> str | None:
    """The first script a RUN of the stage runs (`sh /tmp/install-deps.sh`, `bash
    scripts/setup.sh`, `./bootstrap.sh`, `. /opt/env.sh`): what it installs or removes is
    nothing fixer reads."""
    for _instruction, words in _run_commands(dockerfile, stage):
        values = [w.value for w in words]
        if not values:
            continue
        given = values[1] if posixpath.basename(values[0]) in _SCRIPT_RUNNERS and \
            len(values) > 1 else None
        if given is not None and ("/" in given or given.endswith(".sh")):
            return given   # `sh /tmp/install-deps.sh`, `bash scripts/setup.sh`
        if values[0].endswith(".sh") or values[0].startswith("./"):
            return values[0]   # `./bootstrap.sh`, `/usr/local/bin/setup.sh`
    return None


# what runs a script file given as its first argument
_SCRIPT_RUNNERS = frozenset({"sh", "bash", "ash", "dash", ".", "source"})


def _run_commands(dockerfile: Dockerfile, stage: Stage) -> list[tuple[Instruction, list[Token]]]:
    """The simple commands of the stage's shell-form RUNs, `sudo`/`env`/`VAR=` prefixes off.
    The value is shared: callers read it, never change it."""
    return dockerfile.file.derived.keyed(_COMMANDS, stage.index,
                                         lambda: _split_run_commands(dockerfile, stage))


def _split_run_commands(dockerfile: Dockerfile,
                        stage: Stage) -> list[tuple[Instruction, list[Token]]]:
    text = dockerfile.file.text
    escape = escape_char(text)
    out: list[tuple[Instruction, list[Token]]] = []
    for instruction in stage.find("RUN"):
        if instruction.json:   # `RUN ["/bin/sh", "-c", "apt-get purge -y curl"]`
            script = shell_script(list(instruction.value))
            if script is not None:
                out.extend((instruction, words)
                           for words in _wrapped(script, instruction.start, instruction.end))
            continue
        for words in commands(instruction_tokens(text, instruction, escape)):
            words = words[program_at([w.value for w in words]):]
            out.append((instruction, words))
            script = shell_script([w.value for w in words])
            if script is not None:   # `sh -c "apt-get install -y curl"`: its commands too
                out.extend((instruction, inner) for inner in
                           _wrapped(script, words[-1].start, words[-1].end))
    return out


def _wrapped(script: str, start: int, end: int) -> list[list[Token]]:
    """The simple commands of a wrapper's script, each word placed on the wrapper's own
    span (the script's words have no place of their own in the file)."""
    return [[Token(w.raw, w.value, start, end)
             for w in words[program_at([w.value for w in words]):]]
            for words in commands(tokenize(script))]


def _wrapper_script(dockerfile: Dockerfile, instruction: Instruction) -> str | None:
    """The script of the RUN's shell wrapper (the whole of it, for an exec-form RUN)."""
    if instruction.json:
        return shell_script(list(instruction.value))
    text = dockerfile.file.text
    scripts = [shell_script([w.value for w in words[program_at([w.value for w in words]):]])
               for words in commands(instruction_tokens(text, instruction, escape_char(text)))]
    found = [s for s in scripts if s is not None]
    return " ; ".join(found) if found else None


def _conditional(script: str) -> bool:
    """A script in which a command may not run on every build: an `if`, a loop, a test or
    `||` (`sh -c 'apt-get install -y curl || true'`), or one the shell may not wait for
    (`&`)."""
    return any(_makes_conditional(t) or (t.operator and t.value == "&")
               for t in tokenize(script))


def _makes_conditional(token: Token) -> bool:
    """`||`, or a word that opens an `if`, a loop or a test: what follows may not run."""
    return (token.operator and token.value == "||") or \
        (not token.operator and token.value in _CONDITIONS)


def _install(instruction: Instruction, words: list[Token]) -> PackageInstall | None:
    if not words:
        return None
    program = _PROGRAMS.get(posixpath.basename(words[0].value))
    if program is None:
        return None
    manager, verb = program
    options = _VALUE_OPTIONS[manager]
    rest = _operands(words[1:], options)
    if not rest or rest[0].value != verb:
        return None
    packages = tuple(_operands(rest[1:], options))
    return PackageInstall(manager, instruction, packages,
                          _option_value(words, ("--virtual", "-t")) if manager == "apk" else None,
                          wrapped=any(p.start == words[0].start for p in packages))


# words that make what follows them run only sometimes: shell compound commands and tests
_CONDITIONS = frozenset(("if", "then", "elif", "else", "case", "for", "while", "until", "do",
                         "[", "[[", "test"))


def runs_every_build(dockerfile: Dockerfile, install: PackageInstall) -> bool:
    """Whether a package added to the install is in the image after every build: its RUN
    runs it unconditionally (no `if`, loop, test or `||` before it: `if [ "$DEV" = true ];
    then apt-get install vim; fi` skips it with the default build argument), and does not
    mark what it installed for automatic removal (`apt-mark auto '.*'` then `apt-get purge
    --auto-remove`, the official images' pattern for build-only packages)."""
    text = dockerfile.file.text
    if not _unconditional(dockerfile, install.instruction, list(install.packages),
                          install.wrapped):
        return False
    if install.wrapped:   # the wrapper's script, where the install has no place of its own
        script = _wrapper_script(dockerfile, install.instruction) or ""
        return not re.search(r"apt-mark\s+auto", script)
    tokens = instruction_tokens(text, install.instruction, escape_char(text))
    words = [t.value for t in tokens if not t.operator]
    return not any(a == "apt-mark" and b == "auto" for a, b in zip(words, words[1:]))


def _unconditional(dockerfile: Dockerfile, instruction: Instruction,
                   words: list[Token], wrapped: bool) -> bool:
    """Whether a command of the RUN (`words`, its operands) runs, and succeeds or stops
    the build, on every build: no `if`, loop, test or `||` before it, and no `||` right
    after it (`apk add curl || true` goes on without curl when the install fails). In a
    shell wrapper's script, none anywhere."""
    if wrapped or instruction.json:
        script = _wrapper_script(dockerfile, instruction)
        return script is not None and not _conditional(script)
    text = dockerfile.file.text
    tokens = instruction_tokens(text, instruction, escape_char(text))
    at = words[0].start if words else instruction.end
    end = words[-1].end if words else instruction.end
    after = next((t for t in tokens if t.operator and t.start >= end), None)
    if after is not None and after.value == "||" or _backgrounded(tokens, end):
        return False
    before = [t for t in tokens if t.start < at]
    return not any(_makes_conditional(t) and not _or_true(before, i)
                   for i, t in enumerate(before))


def _or_true(tokens: list[Token], at: int) -> bool:
    """The `||` at `at` ends in `true` or `:` (`apt-get update || true && apt-get install
    curl`): the list before it succeeds either way, so what follows runs on every build."""
    following = tokens[at + 1:at + 3]
    return bool(tokens[at].operator and tokens[at].value == "||" and following
                and not following[0].operator and following[0].value in ("true", ":")
                and (len(following) == 1 or following[1].operator))


def _backgrounded(tokens: list[Token], end: int) -> bool:
    """The command ending at `end` is part of a list the shell runs in the background (`apt-get
    update && apt-get install -y gcc & rm -rf /var/lib/apt/lists/*`): the RUN's shell does
    not wait for it, and its end stops the step, whatever the job was doing."""
    for token in (t for t in tokens if t.operator and t.start >= end):
        if token.value not in ("&&", "||", "|"):   # the and-or list goes on past these
            return token.value == "&"
    return False


def _option_value(words: list[Token], names: tuple[str, ...]) -> str | None:
    for word, following in zip(words, words[1:]):
        if word.value in names:
            return following.value
    for word in words:
        name, sep, value = word.value.partition("=")
        if sep and name in names:
            return value
    return None


def _operands(words: list[Token], options: set[str]) -> list[Token]:
    """The words that are not options or option values."""
    out: list[Token] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.value in options:
            skip = True
        elif not word.value.startswith("-"):
            out.append(word)
    return out


def add_package(dockerfile: Dockerfile, install: PackageInstall, name: str) -> list[TextEdit]:
    """Insert `name` into the install's package list: at its sorted place when the list is
    sorted, else at the end; on a line of its own when the packages are one per line."""
    text, path = dockerfile.file.text, dockerfile.path
    words = install.packages
    names = install.names()
    position = bisect.bisect(names, name) if names == sorted(names) else len(names)
    if not words:
        return []
    if not _one_per_line(text, words):
        if position < len(words):
            return [TextEdit(path, words[position].start, words[position].start, name + " ")]
        return [TextEdit(path, words[-1].end, words[-1].end, " " + name)]
    newline = dockerfile.file.newline
    tail = _continuation_tail(dockerfile, install)
    if position == 0 and not _alone(text, words[0]):
        position = 1   # the first shares the install's line: the new one goes below it
    if position < len(words):
        word = words[position]
        indent = text[line_start(text, word.start):word.start]
        start = comments_above(text, line_start(text, word.start))
        return [TextEdit(path, start, start, f"{indent}{name}{tail}{newline}")]
    last = words[-1]
    indent = text[line_start(text, last.start):last.start]
    line = _continued_line(dockerfile, install, last)
    after = text.find("\n", line.line_end) + 1 if line is not None else 0
    if line is not None and after > 0:   # a line of its own below the last, every byte kept
        own = text[last.end:line.end + 1]   # `libpng16-16\`: no space before the `\` either
        return [TextEdit(path, after, after, f"{indent}{name}{own}{newline}")]
    return [TextEdit(path, last.end, last.end, f"{tail}{newline}{indent}{name}")]


def _one_per_line(text: str, words: tuple[Token, ...]) -> bool:
    """Each package on a line of its own, the first one may be on the install's line
    (`apt install -y python3-dev \\` over `gcc \\` and `libpq-dev`) where two or more
    follow it so."""
    starts = [line_start(text, w.start) for w in words]
    alone = [_alone(text, w) for w in words]
    return len(set(starts)) == len(starts) and (all(alone) or len(words) >= 3 and
                                                all(alone[1:]))


def _alone(text: str, word: Token) -> bool:
    """Nothing but indentation before the word on its line."""
    return not text[line_start(text, word.start):word.start].strip()


def _continuation_tail(dockerfile: Dockerfile, install: PackageInstall) -> str:
    """What follows a package on its line when the line continues: ` \\` as the file has it."""
    text = dockerfile.file.text
    for word in install.packages:
        line = _continued_line(dockerfile, install, word)
        if line is not None:
            return text[word.end:line.end + 1]
    return " " + escape_char(text)


def _continued_line(dockerfile: Dockerfile, install: PackageInstall, word: Token) -> Line | None:
    """The physical line of the package `word` when the instruction goes on past it there,
    with nothing but the escape after the word."""
    text = dockerfile.file.text
    for line in physical_lines(text, install.instruction, escape_char(text)):
        if line.start <= word.start <= line.line_end:
            return line if line.continued and not text[word.end:line.end].strip() else None
    return None


def new_layer(dockerfile: Dockerfile, manager: str, packages: list[str]) -> str:
    """The install instruction, its keyword in the file's case."""
    layer = NEW_LAYER[manager].format(packages=" ".join(packages))
    return dockerfile.keyword("RUN") + layer[len("RUN"):]


def pragma_edit(dockerfile: Dockerfile, instruction: Instruction, code: str) -> TextEdit | None:
    """`# hadolint ignore=CODE` above an instruction: extend the one there, or add one."""
    text = dockerfile.file.text
    start = line_start(text, instruction.start)
    if start > 0:
        above_start = line_start(text, start - 1)
        above = text[above_start:start].rstrip("\r\n")
        match = re.fullmatch(r"\s*#\s*hadolint\s+ignore=([\w,]+)\s*", above)
        if match:
            if code in match.group(1).split(","):
                return None
            at = above_start + match.end(1)
            return TextEdit(dockerfile.path, at, at, "," + code)
    indent = text[start:instruction.start]
    pragma = f"{indent}# hadolint ignore={code}{dockerfile.file.newline}"
    return TextEdit(dockerfile.path, start, start, pragma)

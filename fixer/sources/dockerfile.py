"""Dockerfiles, parsed in pure Python with BuildKit's grammar (`dockerfile_grammar`).

The parser gives each instruction its line span; offsets into the file's text
are derived from those lines so fixes can splice exactly there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from fixer.core.errors import InputError
from fixer.core.textfile import TextFile
from fixer.sources.dockerfile_grammar import BadDockerfile, RawInstruction, read


class Instruction(NamedTuple):
    """One instruction of a stage. A named tuple rather than a frozen dataclass: every
    Dockerfile of a large repository is parsed before any rule runs, and a tuple is made
    in a fraction of the time."""

    cmd: str                 # upper case: FROM, RUN, CMD, ...
    value: tuple[str, ...]   # BuildKit's arguments (exec form: the argv)
    json: bool               # exec (JSON) form
    flags: tuple[str, ...]
    line: int                # 1-based first line
    end_line: int
    start: int               # offset of the instruction's first character
    end: int                 # offset just past its last character (before the newline)

    def flag(self, name: str) -> str | None:
        """The value of a `--name=value` flag (`flag("--from")` of `COPY --from=builder`)."""
        prefix = name + "="
        return next((f[len(prefix):] for f in self.flags if f.startswith(prefix)), None)


@dataclass
class Stage:
    index: int
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def find(self, cmd: str) -> list[Instruction]:
        return [i for i in self.instructions if i.cmd == cmd]

    def last(self, cmd: str) -> Instruction | None:
        # asked some twenty thousand times a fix run (HEALTHCHECK, CMD): no list built
        for instruction in reversed(self.instructions):
            if instruction.cmd == cmd:
                return instruction
        return None


@dataclass
class Dockerfile:
    file: TextFile
    stages: list[Stage]
    # the ARGs declared before the first FROM: their defaults reach the FROM lines, and a
    # stage's own `ARG NAME` with no value (Docker's global scope)
    global_args: list[Instruction] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.file.path

    def final_stage(self, target: str | None = None) -> Stage | None:
        """The stage `build.target` names, else the last one."""
        if target:
            return self.stage_named(target)
        return self.stages[-1] if self.stages else None

    def stage_named(self, name: str) -> Stage | None:
        """The stage a name gives (`AS builder`, matched as Docker does, case aside)."""
        return next((s for s in self.stages if s.name and s.name.lower() == name.lower()),
                    None)

    def stage_from(self, origin: str) -> Stage | None:
        """The stage a `COPY --from` names, by name or index; None for an image."""
        if origin.isdigit():
            index = int(origin)
            return self.stages[index] if index < len(self.stages) else None
        return self.stage_named(origin)

    def text_of(self, instruction: Instruction) -> str:
        return self.file.text[instruction.start:instruction.end]

    def keyword(self, name: str) -> str:
        """An instruction keyword as this file writes them: lowercase where every
        instruction is (`from`, `run`, `cmd`), else upper."""
        text = self.file.text
        written = [text[i.start:i.start + len(i.cmd)] for stage in self.stages
                   for i in stage.instructions]
        return name.lower() if written and all(w.islower() for w in written) else name


def line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def parse(file: TextFile) -> Dockerfile:
    try:
        found = read(file.text)
    except BadDockerfile as exc:
        raise InputError(file.path, exc.line, f"invalid Dockerfile: {exc.message}") from None
    starts = line_starts(file.text)
    stages: list[Stage] = []
    global_args: list[Instruction] = []
    for raw in found:
        instruction = _instruction(file.text, starts, raw)
        if instruction.cmd == "FROM":
            stages.append(_stage(len(stages), instruction))
        elif stages:
            stages[-1].instructions.append(instruction)
        elif instruction.cmd == "ARG":   # before the first FROM: in no stage
            global_args.append(instruction)
    return Dockerfile(file, stages, global_args)


def _instruction(text: str, starts: list[int], raw: RawInstruction) -> Instruction:
    first, last = raw.line, raw.end_line
    start = starts[first - 1]
    end = starts[last] if last < len(starts) else len(text)
    end = _strip_newline(text, start, end)
    # The line may begin with indentation: the instruction starts at its keyword.
    while start < end and text[start] in " \t":
        start += 1
    return Instruction(raw.cmd.upper(), raw.values, raw.json, raw.flags, first, last, start, end)


def _strip_newline(text: str, start: int, end: int) -> int:
    if end > start and text[end - 1] == "\n":
        end -= 1
    if end > start and text[end - 1] == "\r":
        end -= 1
    return end


def _stage(index: int, instruction: Instruction) -> Stage:
    value = instruction.value
    name = value[2] if len(value) >= 3 and value[1].upper() == "AS" else None
    return Stage(index, value[0] if value else "", name, [instruction])


def chain(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage, then the stage it is built FROM, and so on (a `FROM builder` chain)."""
    by_name = {s.name.lower(): s for s in dockerfile.stages if s.name}
    out = [stage]
    while out[-1].base.lower() in by_name:
        parent = by_name[out[-1].base.lower()]
        if parent in out or parent.index >= out[-1].index:
            break
        out.append(parent)
    return out


def cmd_in_force(dockerfile: Dockerfile, stage: Stage) -> Instruction | None:
    """The CMD in force, the stage's own or inherited: a stage built FROM another keeps its
    CMD, as an image keeps its base's config, until a stage of the chain sets an ENTRYPOINT
    of its own with no CMD, which resets it (as Docker does)."""
    for link in chain(dockerfile, stage):
        found = link.last("CMD")
        if found is not None:
            return found
        if link.last("ENTRYPOINT") is not None:
            return None
    return None


def stage_at(dockerfile: Dockerfile, offset: int) -> Stage | None:
    """The stage whose instructions hold the text at `offset`."""
    return next((s for s in dockerfile.stages if s.instructions
                 and s.instructions[0].start <= offset <= s.instructions[-1].end), None)


def heir_beside(dockerfile: Dockerfile, holder: Stage, final: Stage) -> Stage | None:
    """Another target an edit of `holder`, a stage `final` is built from, changes too: a
    stage built from `holder` (directly or through others) that `final` is not built from
    (`FROM base AS worker` beside `FROM base AS release`). None for `final` itself."""
    if holder is final:
        return None
    mine = chain(dockerfile, final)
    return next((s for s in dockerfile.stages
                 if s not in mine and holder in chain(dockerfile, s)[1:]), None)


def entrypoint(dockerfile: Dockerfile, stage: Stage) -> Instruction | None:
    """The ENTRYPOINT in force, the stage's own or inherited; None where `ENTRYPOINT []`
    clears it (as uv's images are used)."""
    for link in chain(dockerfile, stage):
        found = link.last("ENTRYPOINT")
        if found is not None:
            return None if found.json and not found.value else found
    return None

"""Edits that make a Dockerfile stage install a tool (curl, wget): into the stage's own
`apt-get install` / `apk add` when it has one, else as a new layer before the stage
switches to a non-root USER (else before its CMD/ENTRYPOINT/HEALTHCHECK).

A new layer is not version-pinned (a pinned Debian version breaks the build when the
slim base moves on), so it carries hadolint's ignore pragma for the pin rule: the fixed
Dockerfile has no hadolint finding its original lacked.
"""

from __future__ import annotations

from fixer.edits import TextEdit
from fixer.image.images import stage_installs
from fixer.image.installs import UNPINNED_CODE, PackageInstall, add_package, new_layer, pragma_edit
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage
from fixer.sources.dockertext import commands, escape_char, instruction_tokens, line_start

_ROOT_USERS = ("root", "0", "root:root", "0:0")


def install_edits(dockerfile: Dockerfile, stage: Stage, manager: str,
                  tools: list[str]) -> list[TextEdit]:
    existing = stage_installs(dockerfile, stage, manager)
    if existing:
        return _extend(dockerfile, existing[0], manager, tools)
    return _new_layer(dockerfile, stage, manager, tools)


def _extend(dockerfile: Dockerfile, install: PackageInstall, manager: str,
            tools: list[str]) -> list[TextEdit]:
    edits: list[TextEdit] = []
    for tool in tools:
        edits = _merge(edits, add_package(dockerfile, install, tool))
    if install.pinned:  # the list was all pinned: hadolint had nothing to say about it
        pragma = pragma_edit(dockerfile, install.instruction, UNPINNED_CODE[manager])
        if pragma is not None:
            edits.append(pragma)
    return edits


def _merge(edits: list[TextEdit], more: list[TextEdit]) -> list[TextEdit]:
    """Insertions at one offset become one edit (the engine refuses overlapping ones)."""
    out = list(edits)
    for edit in more:
        same = next((e for e in out if e.start == edit.start == e.end == edit.end), None)
        if same is None:
            out.append(edit)
        else:
            out[out.index(same)] = TextEdit(same.path, same.start, same.end, same.text + edit.text)
    return out


def _new_layer(dockerfile: Dockerfile, stage: Stage, manager: str,
               tools: list[str]) -> list[TextEdit]:
    text = dockerfile.file.text
    newline = dockerfile.file.newline
    at, previous = _insertion_point(dockerfile, stage)
    ignored = [UNPINNED_CODE[manager]]
    if manager == "apk" and previous is not None and _single_command_run(dockerfile, previous):
        ignored.append("DL3059")  # two one-command RUNs in a row: hadolint asks to merge them
    block = f"# hadolint ignore={','.join(ignored)}{newline}{new_layer(manager, tools)}"
    if at == len(text) and not text.endswith("\n"):
        return [TextEdit(dockerfile.path, at, at, newline + block)]
    blank_above = at >= 2 and not text[line_start(text, at - 1):at].strip()
    return [TextEdit(dockerfile.path, at, at, block + newline + (newline if blank_above else ""))]


def _insertion_point(dockerfile: Dockerfile, stage: Stage) -> tuple[int, Instruction | None]:
    """Where the new layer goes, and the instruction just before that place."""
    users = [i for i in stage.find("USER") if i.value and i.value[0] not in _ROOT_USERS]
    runs = [i for i in stage.instructions if i.cmd in ("CMD", "ENTRYPOINT", "HEALTHCHECK")]
    anchors = users[:1] or runs
    text = dockerfile.file.text
    if not anchors:
        last = stage.instructions[-1]
        end = text.find("\n", last.end)
        return (len(text) if end < 0 else end + 1), last
    anchor = min(anchors, key=lambda i: i.start)
    at = line_start(text, anchor.start)
    while at > 0:  # keep the comments written above the anchor with it
        above = line_start(text, at - 1)
        if not text[above:at].lstrip().startswith("#"):
            break
        at = above
    index = stage.instructions.index(anchor)
    return at, stage.instructions[index - 1] if index > 0 else None


def _single_command_run(dockerfile: Dockerfile, instruction: Instruction) -> bool:
    if instruction.cmd != "RUN":
        return False
    if instruction.json:
        return True
    text = dockerfile.file.text
    tokens = instruction_tokens(text, instruction, escape_char(text))
    return len(commands(tokens)) <= 1

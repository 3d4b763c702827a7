"""Edits that make a Dockerfile stage install a tool (curl, wget): into the stage's own
`apt-get install` / `apk add` when it has one, else into one of a stage it is built FROM
that runs before a stage of its chain copies files in (the code), else as one new layer
where the build cache keeps it: right after the stage's FROM and the ARG/ENV/WORKDIR/`USER root` lines
that follow it, so before its first COPY/ADD (a source change does not re-run
`apt-get update`) and before any switch to a non-root USER (which could not install).

No install is offered on an image whose Debian release's package archive is gone
(`apt-get update` fails there): not a new layer, and not a package added to an existing
`apt-get install` either, since that build already depends on an archive that is gone.
On a release whose support has ended and whose archive may leave any day, a package
added to an install the stage runs already adds no risk; a new layer does (`doubt`): a
stage that installed nothing could stop building when the archive goes.

A new layer is not version-pinned (a pinned Debian version breaks the build when the
slim base moves on). It carries hadolint's ignore pragma for the pin rule
(`facts/image/hadolint.py`): the fixed Dockerfile has no hadolint finding its original
lacked.
"""

from __future__ import annotations

import posixpath
import re

from dataclasses import dataclass
from functools import partial

from fixer.core.edits import TextEdit
from fixer.core.lazyre import lazy_compile
from fixer.facts.image.hadolint import ignored_globally
from fixer.facts.image.images import (
    archive_gone,
    archive_leaving,
    stage_installs,
    tools_removed,
)
from fixer.facts.image.installs import (
    UNPINNED_CODE,
    PackageInstall,
    add_package,
    new_layer,
    pragma_edit,
    runs_every_build,
)
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain
from fixer.sources.dockertext import (
    comments_above,
    commands,
    escape_char,
    indentation,
    instruction_tokens,
    line_start,
)

_ROOT_USERS = ("root", "0", "root:root", "0:0")
# What may stay between FROM and the new layer: it sets up, and never invalidates the cache.
_SETUP = ("ARG", "ENV", "WORKDIR")


@dataclass(frozen=True)
class Placement:
    """Where an install of `tools` goes in a stage, judged before any text is written: into
    the stage's own install (`install`), else a new layer at offset `at`, before the
    instruction `following`; or why none can (`reason`)."""

    dockerfile: Dockerfile
    manager: str
    tools: tuple[str, ...]
    install: PackageInstall | None = None
    at: int = 0
    following: Instruction | None = None
    reason: str | None = None
    no_packages: bool = False     # nothing can be installed on the image at all
    undone: bool = False          # the build removes the tool again after any install
    # why a new layer may stop the build later (the release's archive may leave), or None
    doubt: str | None = None
    # the hadolint rules the install carries an ignore pragma for (`facts/image/hadolint.py`)
    hadolint: frozenset[str] = frozenset()


def placement(dockerfile: Dockerfile, stage: Stage, manager: str, tools: list[str],
              image: str, hadolint: frozenset[str]) -> Placement:
    """Where the install of `tools` goes in the stage, whose base image is `image`;
    `hadolint`: the rules its ignore pragmas name (`facts/image/hadolint.py`)."""
    # each placement built once: no `dataclasses.replace` of a first one
    where = partial(Placement, dockerfile, manager, tuple(tools), hadolint=hadolint)
    gone = archive_gone(image) if manager == "apt" else None
    if gone is not None:
        return where(reason=f"{gone}: apt-get cannot install {' and '.join(tools)}",
                     no_packages=True)
    purged = [tool for tool in tools if tool in tools_removed(dockerfile, stage)]
    if purged:   # `apt-get purge -y curl` after the build: an install above it is undone
        return where(reason=f"the build removes {purged[0]} from the final stage "
                              "(a package manager's purge or remove)", undone=True)
    # an apk `--virtual` group is deleted again: never extend one; nor an install that names
    # no package (`apt-get install -y \` left empty): nothing to add a word beside
    existing = [i for i in stage_installs(dockerfile, stage, manager)
                if i.group is None and i.packages and not i.wrapped
                and runs_every_build(dockerfile, i)]
    if existing:
        return where(install=existing[0])
    inherited = _inherited_install(dockerfile, stage, manager)
    if inherited is not None:
        return where(install=inherited)
    at, following = _insertion_point(dockerfile, stage)
    user = _user_at(dockerfile, stage, at)
    if user is not None:
        return where(reason=f"the stage runs as USER {user} (from an earlier stage), "
                              "which cannot install packages")
    leaving = archive_leaving(image) if manager == "apt" else None
    return where(at=at, following=following, doubt=leaving)


def _inherited_install(dockerfile: Dockerfile, stage: Stage,
                       manager: str) -> PackageInstall | None:
    """An install of a stage the stage is built FROM that runs before any file is copied
    in, where an earlier stage of the chain copies files (the code): a layer of the stage
    itself would run again on every change of them, that install's is kept by the build
    cache (`FROM python:3.12-slim AS base`, its `apt-get install -y libpq-dev`, then `FROM
    base AS build` copying `src/`, then `FROM build AS dev`)."""
    found: PackageInstall | None = None
    for link in reversed(chain(dockerfile, stage)[1:]):   # the base first, as it is built
        copies = [i.start for i in link.instructions if i.cmd in ("COPY", "ADD")]
        first_copy = min(copies, default=None)
        usable = [i for i in stage_installs(dockerfile, link, manager)
                  if i.group is None and i.packages and not i.wrapped
                  and runs_every_build(dockerfile, i)
                  and (first_copy is None or i.instruction.start < first_copy)]
        found = found or (usable[0] if usable else None)
        if any(_copies_code(i) for i in link.instructions):
            return found
    return None


def _copies_code(instruction: Instruction) -> bool:
    """A COPY or ADD of the code: a folder (`src/api`, `.`) or a Python file, not only the
    files that list dependencies (`pyproject.toml`, `uv.lock`, `requirements.txt`), whose
    layers a code change leaves cached."""
    if instruction.cmd not in ("COPY", "ADD") or any(f.startswith("--from") for f
                                                      in instruction.flags):
        return False
    sources = instruction.value[:-1]
    return any(source.endswith(".py") or "." not in posixpath.basename(source.rstrip("/"))
               or source.rstrip("/") in (".", "./") for source in sources)


def install_edits(where: Placement) -> list[TextEdit]:
    """The edits of an install placed by `placement`; none where it cannot go."""
    tools = list(where.tools)
    if where.reason is not None:
        return []
    hadolint = where.hadolint - ignored_globally(where.dockerfile.file.text)
    if where.install is not None:
        return _extend(where.dockerfile, where.install, where.manager, tools, hadolint)
    return _new_layer(where.dockerfile, where.manager, tools, where.at, where.following,
                      hadolint)


def _extend(dockerfile: Dockerfile, install: PackageInstall, manager: str,
            tools: list[str], hadolint: frozenset[str]) -> list[TextEdit]:
    edits: list[TextEdit] = []
    for tool in tools:
        edits = _merge(edits, add_package(dockerfile, install, tool))
    if UNPINNED_CODE[manager] in hadolint and install.pinned:
        # the list was all pinned: hadolint had nothing to say
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


def _new_layer(dockerfile: Dockerfile, manager: str, tools: list[str], at: int,
               following: Instruction | None, hadolint: frozenset[str]) -> list[TextEdit]:
    text = dockerfile.file.text
    newline = dockerfile.file.newline
    indent = _neighbour_indentation(dockerfile, at, following)
    ignored = [code for code in (UNPINNED_CODE[manager],) if code in hadolint]
    previous = _previous(dockerfile, at)
    if "DL3059" in hadolint and manager == "apk" and previous is not None and \
            _single_command_run(dockerfile, previous):
        ignored.append("DL3059")   # two one-command RUNs in a row: asked of the second
    pragma = f"{indent}# hadolint ignore={','.join(ignored)}{newline}" if ignored else ""
    block = pragma + indent + new_layer(dockerfile, manager, tools)
    if at == len(text) and not text.endswith("\n"):
        return [TextEdit(dockerfile.path, at, at, newline + block)]
    above = text[line_start(text, at - 1):at] if at >= 2 else "x"
    # a blank line after it as the one above it is written (some files keep a space there)
    blank = above.rstrip("\r\n") + newline if not above.strip() else ""
    edits = [TextEdit(dockerfile.path, at, at, block + newline + blank)]
    apart = _blank_line_at(text, at) if blank == "" and previous is not None and \
        _stands_alone(text, previous) else ""
    if apart:   # a file that writes each instruction apart: the layer too, after the gap
        edits = [TextEdit(dockerfile.path, at + len(apart), at + len(apart),
                          block + newline + apart)]
    if "DL3059" in hadolint and manager == "apk" and following is not None and \
            _single_command_run(dockerfile, following):
        # two one-command RUNs in a row: hadolint asks, on the second, to merge them
        merge = pragma_edit(dockerfile, following, "DL3059")
        edits = _merge(edits, [merge] if merge is not None else [])
    return edits


def _blank_line_at(text: str, at: int) -> str:
    """The blank line that starts at `at` (with its line end), else ""."""
    end = text.find("\n", at)
    line = text[at:end + 1] if end >= 0 else ""
    return line if line and not line.strip() else ""


def _stands_alone(text: str, instruction: Instruction) -> bool:
    """A blank line above the instruction (and the comments right above it): a paragraph of
    its own, as in a file that sets each instruction apart."""
    top = comments_above(text, line_start(text, instruction.start))
    return top > 0 and not text[line_start(text, top - 1):top].strip()


def _previous(dockerfile: Dockerfile, at: int) -> Instruction | None:
    """The instruction that ends before `at`, where the new layer goes."""
    before = [i for stage in dockerfile.stages for i in stage.instructions if i.end <= at]
    return max(before, key=lambda i: i.start) if before else None


def _neighbour_indentation(dockerfile: Dockerfile, at: int,
                           following: Instruction | None) -> str:
    """The indentation of the instruction the new layer goes above (else of the one it goes
    below): the file's own style, where it indents the lines of a stage."""
    before = [i for stage in dockerfile.stages for i in stage.instructions if i.start < at]
    neighbour = following or (max(before, key=lambda i: i.start) if before else None)
    return indentation(dockerfile.file.text, neighbour.start) if neighbour else ""


def _insertion_point(dockerfile: Dockerfile, stage: Stage) -> tuple[int, Instruction | None]:
    """Where the new layer goes, and the instruction that will follow it: after the
    stage's setup lines, and after every line that sets up its package sources."""
    text = dockerfile.file.text
    instructions = stage.instructions
    sources = [i for i, instruction in enumerate(instructions)
               if instruction.cmd in ("RUN", "COPY", "ADD") and
               _PACKAGE_SOURCES.search(text[instruction.start:instruction.end])]
    if sources:   # a mirror or proxy the install must go through (`sed -i ... sources.list`)
        last = sources[-1]
        end = text.find("\n", instructions[last].end)
        following = instructions[last + 1] if last + 1 < len(instructions) else None
        return (len(text) if end < 0 else end + 1), following
    index = 1
    while index < len(instructions) and _is_setup(instructions[index]):
        if _own_section(text, instructions, index):
            # `# Security: an unprivileged user` over `ARG UID` and the RUN that uses it: the
            # layer goes before the section, right after the line above its blank line
            end = text.find("\n", instructions[index - 1].end)
            return (len(text) if end < 0 else end + 1), instructions[index]
        index += 1
    if index == len(instructions):
        end = text.find("\n", instructions[-1].end)
        return (len(text) if end < 0 else end + 1), None
    anchor = instructions[index]
    return _heading_start(text, comments_above(text, line_start(text, anchor.start))), anchor


def _heading_start(text: str, at: int) -> int:
    """The start of the comment that heads the section the line at `at` opens, written
    apart from it (`# Copy the dependencies`, a blank line, `COPY requirements.txt .`) with
    a blank line above it too: the layer goes above the heading, not between the heading
    and what it names. `at` when there is none, or when the comment hangs under the line
    above it (it describes that line)."""
    probe = at
    while probe > 0 and not text[line_start(text, probe - 1):probe].strip():
        probe = line_start(text, probe - 1)
    top = comments_above(text, probe) if probe < at else probe
    if top == probe or (top > 0 and text[line_start(text, top - 1):top].strip()):
        return at
    return top


# a line that configures where packages come from: an install above it bypasses the mirror
# or proxy the build needs (`sed -i 's/deb.debian.org/mirrors.../' /etc/apt/sources.list`)
_PACKAGE_SOURCES = lazy_compile(r"/etc/apt/|/etc/apk/|sources\.list|/etc/yum\.repos\.d|"
                                r"/etc/dnf/|/etc/zypp/")
# what a package install may need from the lines above it: a proxy, apt's settings
_INSTALL_SETTINGS = lazy_compile(r"proxy|debian|apt|pip_index|certificate|ssl", re.I)


def _own_section(text: str, instructions: list[Instruction], index: int) -> bool:
    """Setup lines from `index` on that open a section of their own (a comment with a blank
    line above it) and serve the instruction that ends it (`ARG UID` for the `RUN adduser`
    below it), naming nothing an install needs."""
    if not _heads_a_section(text, instructions[index]):
        return False
    end = index
    while end < len(instructions) and _is_setup(instructions[end]):
        if _INSTALL_SETTINGS.search(text[instructions[end].start:instructions[end].end]):
            return False
        end += 1
    return end < len(instructions) and end > index and \
        not _heads_a_section(text, instructions[end]) and \
        "\n\n" not in text[instructions[index].end:instructions[end].start].replace("\r", "")


def _heads_a_section(text: str, instruction: Instruction) -> bool:
    """A comment right above the instruction, with a blank line above the comment: it heads
    a section of the file that the lines below it belong to."""
    at = line_start(text, instruction.start)
    commented = False
    while at > 0:
        above = line_start(text, at - 1)
        line = text[above:at].strip()
        if not line.startswith("#"):
            return commented and not line
        commented, at = True, above
    return False


def _is_setup(instruction: Instruction) -> bool:
    if instruction.cmd == "USER":
        return bool(instruction.value) and instruction.value[0] in _ROOT_USERS
    return instruction.cmd in _SETUP


def _user_at(dockerfile: Dockerfile, stage: Stage, at: int) -> str | None:
    """The non-root user the stage runs as at `at`, inherited from a stage it is built
    FROM; None for root."""
    for link in chain(dockerfile, stage):
        users = [i for i in link.find("USER") if link is not stage or i.start < at]
        if users:
            user = users[-1].value[0] if users[-1].value else "root"
            return None if user in _ROOT_USERS else user
    return None


def _single_command_run(dockerfile: Dockerfile, instruction: Instruction) -> bool:
    if instruction.cmd != "RUN":
        return False
    if instruction.json:
        return True
    text = dockerfile.file.text
    tokens = instruction_tokens(text, instruction, escape_char(text))
    return len(commands(tokens)) <= 1

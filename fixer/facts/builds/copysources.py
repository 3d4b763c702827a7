"""The COPY and ADD sources a service's build takes that its build context does not send.

Read from the stages the build runs: the stage it builds, the stages that one is built
FROM, and those it copies from with `--from` (BuildKit builds only what the target needs).
A source is missing where the context holds no such file or folder, or its `.dockerignore`
drops it. Left alone, as D004's docs say: sources with variables or globs, URLs and git
repositories, heredocs, copies from other stages, images or named contexts, sources outside
the context, paths git ignores (a build step or each checkout writes them), a submodule's
folder, a path reached through a link, and a `.env` beside an example file.

D004 reports each; a service whose build stops so never starts, which the gates and C004
read as one that never serves (`stops.py`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from fixer.core.derived import Memo
from fixer.core.dockerignore import ContextFiles, context_files
from fixer.core.lazyre import lazy_compile
from fixer.facts.envvars.examples import examples
from fixer.model.services import BuiltService
from fixer.model.submodules import in_submodule
from fixer.model.workspace import Workspace
from fixer.sources.dockerfile import Dockerfile, Instruction, Stage, chain

# sources ADD fetches rather than takes from the context
_FETCHED = lazy_compile(r"(?:://|^git@)", re.I)


@dataclass(frozen=True)
class MissingSource:
    """A source one instruction of the build takes and the context does not send."""

    stage: Stage
    instruction: Instruction
    source: str
    dropped: str | None    # the ignore file that drops it, where the context holds it
    copy: int              # which of the stage's copies of the source it is (1, 2, ...)

    def says(self) -> str:
        """What stops the build: "COPY takes `shared/`, which its build context does not
        hold"."""
        return f"{self.instruction.cmd} takes `{self.source}`, which {self.why()}"

    def why(self, context: str | None = None) -> str:
        """Why the source is not sent, naming the build context where it is given."""
        shown = f"the build context `{context or '.'}/`" if context is not None \
            else "its build context"
        return f"{self.dropped} drops from {shown}" if self.dropped \
            else f"{shown} does not hold"


# per service: the sources its build takes that the context does not send
_MISSING: Memo[dict[BuiltService, list[MissingSource]]] = Memo("missing copy sources")


def missing_sources(ws: Workspace, service: BuiltService) -> list[MissingSource]:
    """The sources the service's build takes that its context does not send, in the order
    of the stages the build runs."""
    return ws.derived.keyed(_MISSING, service, lambda: _missing_sources(ws, service))


def _missing_sources(ws: Workspace, service: BuiltService) -> list[MissingSource]:
    app = service.app
    files = context_files(ws.tree, app.build.context, app.dockerfile.path)
    found: list[MissingSource] = []
    for stage in _built_stages(app.dockerfile, app.stage):
        copies: dict[str, int] = {}
        for instruction in stage.instructions:
            for source in _sources(app.dockerfile, instruction):
                copies[source] = copies.get(source, 0) + 1
                missing, dropped = _missing(ws, files, source)
                if missing:
                    found.append(MissingSource(stage, instruction, source, dropped,
                                               copies[source]))
    return found


def _built_stages(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stages the build of `stage` runs: its chain, and the stages it (or they) copy
    from with `--from`, as BuildKit builds only what the target needs."""
    by_name = {s.name.lower(): s for s in dockerfile.stages if s.name}
    wanted: list[Stage] = []
    pending = [stage]
    while pending:
        for link in chain(dockerfile, pending.pop()):
            if link in wanted:
                continue
            wanted.append(link)
            for ins in link.instructions:
                origin = ins.flag("--from")
                named = by_name.get(origin.lower()) if origin else None
                if named is None and origin and origin.isdigit() and \
                        int(origin) < len(dockerfile.stages):
                    named = dockerfile.stages[int(origin)]
                if named is not None and named not in wanted:
                    pending.append(named)
    return wanted


def _sources(dockerfile: Dockerfile, instruction: Instruction) -> list[str]:
    """The context paths a COPY or ADD takes as written; none for what fixer does not
    follow (another stage or context, a heredoc, variables, globs, fetched sources)."""
    if instruction.cmd not in ("COPY", "ADD") or instruction.flag("--from") is not None:
        return []
    text = dockerfile.file.text[instruction.start:instruction.end]
    if "<<" in text:
        return []
    return [s for s in instruction.value[:-1]
            if not any(c in s for c in "$*?[") and not _FETCHED.search(s)]


def _missing(ws: Workspace, files: ContextFiles, source: str) -> tuple[bool, str | None]:
    """(missing, the ignore file that drops it): whether the context fails to send the
    source (never where fixer leaves it alone), and the ignore file that drops it where
    the context holds it (None: it holds no such path)."""
    relative = posixpath.normpath(source.lstrip("/") or ".")
    if relative == ".." or relative.startswith("../") or \
            files.has_file(relative) or files.has_folder(relative):
        return False, None
    if files.unfiltered().has_folder(relative) and not files.dropped(relative):
        return False, None   # sent, if empty: the builder leaves out a folder only where a
        # pattern matches it or a folder above (`data/docs/*.pdf` drops the files only)
    full = files.path(relative)
    if ws.tree.link_on(full) is not None or in_submodule(ws, full):
        return False, None   # reached through a link, or a submodule's, which the
        # documented recursive checkout fills
    if files.ignore is not None and (files.drops_all_of(relative) or files.dropped(relative)):
        # whatever a checkout writes there, it is not sent; the ignore file is the cause
        # of what the repository holds, or a checkout writes (git ignores it), only
        unfiltered = files.unfiltered()
        held = unfiltered.has_file(relative) or unfiltered.has_folder(relative) or \
            bool(ws.tree.ignored([full, full + "/_"]))
        return True, files.ignore.path if held else None
    # a file inside asks about a folder too: git matches `dist/` to folders only
    if ws.tree.ignored([full, full + "/_"]):
        return False, None   # written by a build step or by each checkout
    if posixpath.basename(full) == ".env" and examples(ws, posixpath.dirname(full), set()):
        return False, None   # each checkout writes it from the example beside it
    return True, None


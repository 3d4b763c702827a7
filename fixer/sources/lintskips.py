"""The checks a Dockerfile's author switched off for the other linters that run on it.

An author who told BuildKit or hadolint not to ask for a check has made the call that a
finding of the same check would ask again: a fix of it is one the maintainer already said
no to. Read here: BuildKit's `# check=skip=...` parser directive (names or `all`, at the
top of the file, before anything else), and hadolint's `# hadolint ignore=...` on the lines
right above an instruction or `# hadolint global ignore=...` anywhere in the file.
"""

from __future__ import annotations

from fixer.core.lazyre import lazy_compile

# a parser directive: `# syntax=docker/dockerfile:1`, `# check=skip=JSONArgsRecommended`
_DIRECTIVE = lazy_compile(r"^#\s*([A-Za-z]\w*)\s*=\s*(.*?)\s*$")
# hadolint's pragmas: `# hadolint ignore=DL3025,DL3008`, `# hadolint global ignore=DL3025`
_PRAGMA = lazy_compile(r"^\s*#\s*hadolint\s+(global\s+)?ignore\s*=\s*([\w, ]+)")


def skipped_by(text: str, offset: int, buildkit: str, hadolint: str) -> str | None:
    """The comment that switches off BuildKit's check `buildkit` or hadolint's rule
    `hadolint` for the instruction starting at `offset` of the Dockerfile's `text`, as
    written; None where none does."""
    directive = _buildkit_skip(text, buildkit)
    if directive is not None:
        return directive
    lines = text[:offset].splitlines()
    above = []
    for line in reversed(lines):   # the comment lines right above the instruction
        if not line.lstrip().startswith("#"):
            break
        above.append(line)
    for line in [*above, *text.splitlines()]:
        pragma = _PRAGMA.match(line)
        if pragma is not None and (line in above or pragma.group(1)) and \
                hadolint in {code.strip() for code in pragma.group(2).split(",")}:
            return line.strip()
    return None


def _buildkit_skip(text: str, check: str) -> str | None:
    """The `# check=skip=...` directive naming `check` (or `all`), among the parser
    directives at the top of the file."""
    for line in text.splitlines():
        directive = _DIRECTIVE.match(line)
        if directive is None:
            return None   # the first line that is no directive ends them
        if directive.group(1).lower() != "check":
            continue
        for setting in directive.group(2).split(";"):
            key, _, value = setting.partition("=")
            skipped = {name.strip().lower() for name in value.split(",")}
            if key.strip().lower() == "skip" and skipped & {check.lower(), "all"}:
                return line.strip()
    return None

"""Findings the user turned off: `# fixer: ignore[CODE,...]` comments, `per-service-ignores`,
and findings about excluded paths.

A suppression comment covers a finding on its own line, or on the next line when the
comment stands alone on its line. Codes may be prefixes (`ignore[P]`) or ALL, as in --ignore.
In Python files only real comments count (tokenize); in compose files, Dockerfiles and
the rest, a `#` at the start of a line or after a blank.
"""

from __future__ import annotations

import io
import posixpath
import re
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from fixer.core.errors import InputError
from fixer.core.exclude import PathFilter
from fixer.core.textfile import TextFile
from fixer.model.rule import Finding, Rule
from fixer.model.services import Build, resolve_build
from fixer.model.workspace import Workspace

_DIRECTIVE = re.compile(r"#\s*fixer:\s*ignore\[([^\]]*)\]")
_TEXT_COMMENT = re.compile(r"(?:^|(?<=\s))#\s*fixer:\s*ignore\[([^\]]*)\]")
_MARKER = "fixer:"


@dataclass(frozen=True)
class Suppression:
    """One `# fixer: ignore[...]` comment."""

    path: str
    line: int
    column: int            # 1-based column of the `#`
    codes: tuple[str, ...]
    own_line: bool         # nothing but the comment on its line: it also covers the next line

    def covers_line(self, line: int) -> bool:
        return line == self.line or (self.own_line and line == self.line + 1)

    def code_for(self, finding: Finding) -> str | None:
        """The listed code (or prefix) that matches the finding, when the line is covered."""
        if finding.path != self.path or not self.covers_line(finding.line):
            return None
        return next((c for c in self.codes if c == "ALL" or finding.code.startswith(c)), None)


def _codes(listed: str) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in listed.split(",") if c.strip())


def _python_comments(file: TextFile) -> Iterator[Suppression]:
    lines = file.text.split("\n")  # numbered as tokenize and TextFile.line_of count them
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(file.text).readline))
    except (tokenize.TokenError, SyntaxError):  # broken Python: fall back to the text scan
        yield from _text_comments(file)
        return
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = _DIRECTIVE.match(token.string)
        if match:
            row, col = token.start
            own = not lines[row - 1][:col].strip() if row <= len(lines) else False
            yield Suppression(file.path, row, col + 1, _codes(match.group(1)), own)


def _text_comments(file: TextFile) -> Iterator[Suppression]:
    for number, line in enumerate(file.text.split("\n"), start=1):
        match = _TEXT_COMMENT.search(line)
        if match:
            own = not line[:match.start()].strip()
            yield Suppression(file.path, number, match.start() + 1, _codes(match.group(1)), own)


def comments(file: TextFile) -> list[Suppression]:
    """The suppression comments of a file (cheap when it has none)."""
    if _MARKER not in file.text:
        return []
    if file.path.endswith(".py"):
        return list(_python_comments(file))
    return list(_text_comments(file))


class _Comments:
    """Suppression comments per path, each file scanned once."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._by_path: dict[str, list[Suppression]] = {}

    def of(self, path: str) -> list[Suppression]:
        if path not in self._by_path:
            self._by_path[path] = comments(file) if (file := _read(self.ws, path)) else []
        return self._by_path[path]


def _read(ws: Workspace, path: str) -> TextFile | None:
    if not ws.tree.exists(path):
        return None
    try:
        return ws.tree.read(path)
    except InputError:  # a rule that reads it reports the error
        return None


def apply(ws: Workspace, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings to show, and those a comment suppresses."""
    path_filter = PathFilter(ws.config.exclude)
    known = _Comments(ws)
    shown: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        if _dropped(ws, path_filter, finding):
            continue
        if any(s.code_for(finding) for s in known.of(finding.path)):
            suppressed.append(finding)
        else:
            shown.append(finding)
    return shown, suppressed


def _dropped(ws: Workspace, path_filter: PathFilter, finding: Finding) -> bool:
    ignored = ws.config.ignored_for(finding.service)
    if any(finding.code.startswith(code) for code in ignored):
        return True
    return path_filter.excluded(finding.path) or _in_excluded_service(ws, path_filter, finding)


def _in_excluded_service(ws: Workspace, path_filter: PathFilter, finding: Finding) -> bool:
    """A service whose build context or Dockerfile is excluded is none of fixer's business
    (its Dockerfile is hidden, so S001 would otherwise call it missing)."""
    if finding.service is None or not ws.config.exclude:
        return False
    for service in ws.services():
        if service.name != finding.service:
            continue
        if not any(doc.path == finding.path for doc, _ in service.definitions):
            continue
        try:
            build = resolve_build(service, service.stack.dotenv)
        except InputError:
            continue
        if build is not None and ((build.context and path_filter.excluded(build.context))
                                  or any(map(path_filter.excluded, _dockerfiles(ws, build)))):
            return True
    return False


def _dockerfiles(ws: Workspace, build: Build) -> list[str]:
    """The paths the build reads its Dockerfile from. With none named in compose and no
    `Dockerfile` in the context, builders read a lowercase `dockerfile` (see
    `locate_build`); excluded, it is hidden from the tree, so only its path can tell."""
    if build.named or ws.tree.exists(build.dockerfile):
        return [build.dockerfile]
    lowercase = posixpath.basename(build.dockerfile).lower()
    return [build.dockerfile, posixpath.join(build.context, lowercase)]


# -- unused suppressions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Unused:
    suppression: Suppression
    code: str

    def line(self, prefix: str) -> str:
        path = self.suppression.path if prefix in ("", ".") else posixpath.join(
            prefix, self.suppression.path)
        return (f"{path}:{self.suppression.line}:{self.suppression.column}: "
                f"unused suppression ignore[{self.code}]")


def _candidate_paths(ws: Workspace, suppressed: Sequence[Finding]) -> Iterable[str]:
    """Files a suppression comment may sit in: compose files, Dockerfiles, Python files and
    any file a suppressed finding points at."""
    for path in sorted(ws.tree.paths()):
        name = posixpath.basename(path)
        if (path in ws.compose_docs or path.endswith(".py") or "dockerfile" in name.lower()
                or "containerfile" in name.lower()):
            yield path
    yield from sorted({f.path for f in suppressed} - set(ws.tree.paths()))


def unused(ws: Workspace, suppressed: Sequence[Finding], ran: Sequence[str],
           known: Sequence[str]) -> list[Unused]:
    """Listed codes that suppressed nothing. A code of a rule that did not run (`ran`) may
    well be needed on another run, so only codes of rules that ran, or of no rule at all
    (`known`: every rule code), are reported."""
    found = _Comments(ws)
    out: list[Unused] = []
    for path in _candidate_paths(ws, suppressed):
        for suppression in found.of(path):
            used = {suppression.code_for(f) for f in suppressed}
            for code in suppression.codes:
                relevant = (code == "ALL" or any(c.startswith(code) for c in ran)
                            or not any(c.startswith(code) for c in known))
                if code not in used and relevant:
                    out.append(Unused(suppression, code))
    return out


def unused_lines(ws: Workspace, suppressed: Sequence[Finding], ran: Sequence[Rule],
                 every: Sequence[Rule], prefix: str) -> list[str]:
    """`path:line:col: unused suppression ignore[CODE]`, one per unused code."""
    codes = [r.code for r in ran], [r.code for r in every]
    return [u.line(prefix) for u in unused(ws, suppressed, *codes)]

"""Findings the user turned off: `# fixer: ignore[CODE,...]` comments (what they cover:
`sources/suppressions.py`), `per-service-ignores`, and findings about excluded paths.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fixer.core.errors import InputError
from fixer.core.exclude import PathFilter
from fixer.model.optout import commented, comments_of
from fixer.model.rule import Finding, Location, Rule
from fixer.model.services import Build, lowercase_fallback, resolve_build
from fixer.model.workspace import Workspace
from fixer.sources.suppressions import Suppression

def apply(ws: Workspace, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings to show, and those a comment suppresses."""
    path_filter = PathFilter(ws.config.exclude)
    shown: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        if _dropped(ws, path_filter, finding):
            continue
        if _commented(ws, finding):
            suppressed.append(finding)
        else:
            shown.append(finding)
    return shown, suppressed


def _commented(ws: Workspace, finding: Finding) -> bool:
    """A comment covers the finding's own line, or every one of its parts: each takes its
    part out, so nothing is left."""
    if commented(ws, finding.code, finding.path, finding.line):
        return True
    return bool(finding.parts) and all(commented(ws, finding.code, part.path, part.line)
                                       for part in finding.parts)


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
    """The paths the build reads its Dockerfile from. With no `Dockerfile` where compose
    looks (named or not), builders read a lowercase `dockerfile` (`lowercase_fallback`);
    excluded, it is hidden from the tree, so only its path can tell."""
    lowercase = lowercase_fallback(build.dockerfile)
    if lowercase is None or ws.tree.exists(build.dockerfile):
        return [build.dockerfile]
    return [build.dockerfile, lowercase]


# -- unused suppressions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Unused:
    suppression: Suppression
    code: str

    @property
    def message(self) -> str:
        return f"unused suppression ignore[{self.code}]"

    def path(self, prefix: str) -> str:
        """The comment's file as seen from where the user ran fixer (`prefix`: the folder
        as typed)."""
        return self.suppression.path if prefix in ("", ".") else posixpath.join(
            prefix, self.suppression.path)

    def line(self, prefix: str) -> str:
        return (f"{self.path(prefix)}:{self.suppression.line}:{self.suppression.column}: "
                f"{self.message}")


def _candidate_paths(ws: Workspace, findings: Sequence[Finding]) -> Iterable[str]:
    """Files a suppression comment may sit in: compose files, Dockerfiles, Python files and
    any file a finding points at."""
    for path in sorted(ws.tree.paths()):
        name = posixpath.basename(path)
        if (path in ws.compose_docs or path.endswith(".py") or "dockerfile" in name.lower()
                or "containerfile" in name.lower()):
            yield path
    yield from sorted({f.path for f in findings} - set(ws.tree.paths()))


def _places(findings: Sequence[Finding]) -> dict[str, list[tuple[str, int]]]:
    """Per file, (code, line) where a comment is used: a finding's own line (only a
    suppressed finding's has one that matches) and each of its parts, whose comment its rule
    heeds whether or not the others take the rest out. By file: a comment is matched against
    its own file's places only, not every finding of a large repository."""
    places: dict[str, list[tuple[str, int]]] = {}
    for finding in findings:
        for place in (Location(finding.path, finding.line), *finding.parts):
            if place.line is not None:
                places.setdefault(place.path, []).append((finding.code, place.line))
    return places


def unused(ws: Workspace, findings: Sequence[Finding], ran: Sequence[str],
           known: Sequence[str]) -> list[Unused]:
    """Listed codes that suppressed nothing, of the run's `findings` (shown and suppressed).
    A code of a rule that did not run (`ran`) may well be needed on another run, so only
    codes of rules that ran, or of no rule at all (`known`: every rule code), are
    reported."""
    out: list[Unused] = []
    places = _places(findings)
    for path in _candidate_paths(ws, findings):
        for suppression in comments_of(ws, path):
            used = {suppression.code_for(path, line, code)
                    for code, line in places.get(path, ())}
            for code in suppression.codes:
                relevant = (code == "ALL" or any(c.startswith(code) for c in ran)
                            or not any(c.startswith(code) for c in known))
                if code not in used and relevant:
                    out.append(Unused(suppression, code))
    return out


def unused_lines(ws: Workspace, findings: Sequence[Finding], ran: Sequence[Rule],
                 every: Sequence[Rule], prefix: str) -> list[str]:
    """`path:line:col: unused suppression ignore[CODE]`, one per unused code."""
    codes = [r.code for r in ran], [r.code for r in every]
    return [u.line(prefix) for u in unused(ws, findings, *codes)]

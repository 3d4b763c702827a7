"""Fixes that make services wait for another to be healthy are held while that one stops at
start-up.

A `condition: service_healthy` on a service whose app cannot start (its server package is
missing, a module on its import path does not compile or import) keeps every service that
waits from starting at all, where the short form let them start. Rules judge their fixes
one by one; whether another rule reports that the service stops is known only once every
rule has run, so the check holds such fixes here: display-only, with the start-up finding
as the reason, and waiting for it when fixer can fix it in turn.
"""

from __future__ import annotations

from dataclasses import replace

from fixer.model.rule import Finding


def hold(findings: list[Finding]) -> list[Finding]:
    """The findings, each fix that relies on a stopped service's health held."""
    stopped: dict[str, Finding] = {}
    for finding in findings:
        if finding.rule.stops_start and not finding.violation.starts and \
                finding.service is not None:
            stopped.setdefault(finding.service, finding)
    if not stopped:
        return findings
    return [_held(finding, stopped) for finding in findings]


def _held(finding: Finding, stopped: dict[str, Finding]) -> Finding:
    blockers = [stopped[name] for name in finding.violation.relies_on if name in stopped]
    if not finding.fixable or not blockers:
        return finding
    first = blockers[0]
    reason = (f"the fix makes services wait for {first.service} to be healthy, and "
              f"{first.service} stops at start-up ({first.code} at {first.path}:{first.line}): "
              "they would not start at all")
    # waits: the stop is fixable in turn, and this fix follows once it is in
    return Finding(finding.rule, replace(finding.violation, fix=None, reason=reason, held=True,
                                         waits=any(b.fixable for b in blockers)))

"""What `fixer probe` prints: one line per service, the JSON document, the summary and the
live status line of --wait."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fixer.app.probe.http import HEALTHY, UNREACHABLE, Result, all_healthy


def lines(results: Sequence[Result]) -> list[str]:
    """`service  URL  status  latency  verdict`, in aligned columns; `-` where there is none."""
    rows = [[r.target.service, r.url or "-", str(r.status) if r.status is not None else "-",
             f"{r.latency_ms} ms" if r.latency_ms is not None else "-", _verdict(r)]
            for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row[:4], widths)), row[4]])
            for row in rows]


def _verdict(result: Result) -> str:
    return f"{result.verdict}: {result.detail}" if result.detail else result.verdict


def document(stack: str, results: Sequence[Result]) -> str:
    """`{"version": 1, "stack", "healthy": bool, "services": [...]}`, one object."""
    services = [{"service": r.target.service, "url": r.url, "path": r.target.path,
                 "route": r.target.route, "status": r.status, "latency_ms": r.latency_ms,
                 "verdict": r.verdict, "detail": r.detail or None} for r in results]
    return json.dumps({"version": 1, "stack": stack, "healthy": all_healthy(results),
                       "services": services}, indent=2) + "\n"


def summary(results: Sequence[Result]) -> str:
    probed = [r for r in results if r.verdict != UNREACHABLE]
    healthy = sum(1 for r in probed if r.verdict == HEALTHY)
    text = f"{healthy} of {len(probed)} probed service{'s' * (len(probed) != 1)} healthy"
    hidden = len(results) - len(probed)
    return text + (f"; {hidden} not reachable from the host." if hidden else ".")


def status_line(results: Sequence[Result], left: float) -> str:
    """`waiting (41 s left): 1 of 3 healthy; api 500, web down`: one line, rewritten."""
    probed = [r for r in results if r.verdict != UNREACHABLE]
    healthy = sum(1 for r in probed if r.verdict == HEALTHY)
    pending = [f"{r.target.service} {r.status if r.status is not None else r.verdict}"
               for r in probed if r.verdict != HEALTHY]
    tail = f"; {', '.join(pending)}" if pending else ""
    return f"waiting ({left:.0f} s left): {healthy} of {len(probed)} healthy{tail}"

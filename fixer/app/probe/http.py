"""The I/O of `fixer probe`: GET each target's health route, once or until it is healthy."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fixer.app.probe import REQUEST_TIMEOUT
from fixer.app.probe.plan import Target

HEALTHY, UNHEALTHY, DOWN, UNREACHABLE = "healthy", "unhealthy", "down", \
    "not reachable from the host"
RETRY_INTERVAL = 1.0    # seconds between rounds of --wait
# The stack runs on this host (or the one --host names): a proxy from the environment
# would answer for it, or not at all.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Result:
    target: Target
    url: str | None = None
    status: int | None = None       # the HTTP status; None: no answer
    latency_ms: int | None = None
    verdict: str = UNREACHABLE
    detail: str = ""                # why there was no answer, or why it was not called


def probe_once(target: Target, host: str | None, timeout: float) -> Result:
    """One GET of the target's health route; a 2xx answer is healthy."""
    if not target.reachable:
        return Result(target, detail=target.reason)
    url = target.url(host)
    started = time.monotonic()
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = int(exc.code)
    except (OSError, http.client.HTTPException) as exc:
        return Result(target, url, verdict=DOWN, detail=_why(exc, timeout))
    latency = round((time.monotonic() - started) * 1000)
    verdict = HEALTHY if 200 <= status < 300 else UNHEALTHY
    return Result(target, url, status, latency, verdict, "" if verdict == HEALTHY else target.note)


def _why(exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    return str(reason) or type(reason).__name__


def all_healthy(results: Sequence[Result]) -> bool:
    """Some service was probed, and every one the host can reach answered 2xx (those it
    cannot reach are listed, never counted: a service behind a proxy is not a failure)."""
    return any(r.verdict != UNREACHABLE for r in results) and \
        all(r.verdict in (HEALTHY, UNREACHABLE) for r in results)


def probe_all(targets: Sequence[Target], host: str | None, timeout: float) -> list[Result]:
    return [probe_once(t, host, timeout) for t in targets]


def wait_healthy(targets: Sequence[Target], host: str | None, timeout: float,
                 show: Callable[[list[Result], float], None]) -> list[Result]:
    """Probe in rounds until every reachable target is healthy or `timeout` seconds have
    passed; `show` gets each round's results and the seconds left."""
    deadline = time.monotonic() + timeout
    results = [Result(t, detail=t.reason) for t in targets]
    while True:
        for i, result in enumerate(results):
            if result.target.reachable and result.verdict != HEALTHY:
                left = max(0.1, deadline - time.monotonic())
                results[i] = probe_once(result.target, host, min(REQUEST_TIMEOUT, left))
        left = deadline - time.monotonic()
        show(results, max(0.0, left))
        if all_healthy(results) or left <= 0:
            return results
        time.sleep(min(RETRY_INTERVAL, left))

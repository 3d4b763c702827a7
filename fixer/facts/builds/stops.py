"""Why a service never answers a probe: its image is never built, or its app stops at
start-up. A healthcheck on such a service never passes, so C004 adds none and a gate on it
is broken (`stackcheck/gate.py`) until a person mends what stops it."""

from __future__ import annotations

from fixer.facts.builds.copysources import missing_sources
from fixer.facts.health.startcrash import start_crash
from fixer.model.services import BuiltService, Service
from fixer.model.workspace import Workspace


def never_serves(ws: Workspace, service: Service) -> str | None:
    """Why the service never serves ("its build stops: ...", "the app stops at start-up:
    ..."), or None when it does or fixer cannot tell."""
    return build_stops(ws, service) or start_crash(ws, service)


def build_stops(ws: Workspace, service: Service) -> str | None:
    """`its build stops: Dockerfile:5 COPY takes `requirements.txt`, which its build
    context does not hold (D004)`: no image, so no container to answer a probe."""
    if not isinstance(service, BuiltService) or service.app is None:
        return None
    found = missing_sources(ws, service)
    if not found:
        return None
    first = found[0]
    return (f"its build stops: {service.app.dockerfile.path}:{first.instruction.line} "
            f"{first.says()} (D004)")

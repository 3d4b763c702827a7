"""Operational routes: uptime probes for the platform."""
from fastapi import APIRouter

router = APIRouter(tags=["ops"])


@router.get("/heartbeat", summary="Uptime probe")
def heartbeat() -> dict[str, str]:
    return {"status": "ok"}

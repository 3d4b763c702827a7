from fastapi import APIRouter

from app.health.checks import database_reachable

router = APIRouter(prefix="/api/v1/health", tags=["Health"])


@router.get("/")
async def health():
    """Every component: the database too."""
    return {"status": "ok", "database": database_reachable()}


@router.get("/live")
async def liveness():
    """The process answers; no dependency is asked."""
    return {"status": "ok"}

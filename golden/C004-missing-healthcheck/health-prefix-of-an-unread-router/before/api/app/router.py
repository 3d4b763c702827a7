from fastapi import APIRouter

from app.health import router as health_router


def build_master_router(*, v1_prefix: str) -> APIRouter:
    router = APIRouter()
    v1 = APIRouter()
    v1.include_router(health_router)
    router.include_router(v1, prefix=v1_prefix)
    return router

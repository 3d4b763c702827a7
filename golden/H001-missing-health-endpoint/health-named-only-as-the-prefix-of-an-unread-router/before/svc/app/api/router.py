from fastapi import APIRouter

from app.health.api import router as health_router


def build_router(*, prefix: str) -> APIRouter:
    outer = APIRouter()
    outer.include_router(health_router, prefix=prefix)
    return outer

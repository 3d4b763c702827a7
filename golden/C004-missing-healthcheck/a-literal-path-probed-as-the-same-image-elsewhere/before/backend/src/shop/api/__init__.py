from fastapi import APIRouter

from shop.api.health import router as health_router


def build_router() -> APIRouter:
    api = APIRouter(prefix="/api/v1")
    api.include_router(health_router)
    return api

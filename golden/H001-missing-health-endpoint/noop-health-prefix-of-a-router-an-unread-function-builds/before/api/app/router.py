from fastapi import APIRouter

from app.health import router as health_router
from app.users import router as users_router


def build_api_router() -> APIRouter:
    api_router = APIRouter()
    api_router.include_router(users_router, prefix="/users")
    api_router.include_router(health_router, prefix="/health")
    return api_router

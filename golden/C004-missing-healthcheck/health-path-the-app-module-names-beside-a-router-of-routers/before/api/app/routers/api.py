from fastapi import APIRouter

from app.routers.v1 import system

router = APIRouter(prefix="/api/v1")
router.include_router(system.router)

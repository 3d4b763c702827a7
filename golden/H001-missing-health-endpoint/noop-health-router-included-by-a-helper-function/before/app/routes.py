from fastapi import APIRouter, FastAPI

health_router = APIRouter(prefix="/health", tags=["health"])


@health_router.get("")
def health():
    return {"status": "ok"}


def register_routers(app: FastAPI) -> None:
    app.include_router(health_router)

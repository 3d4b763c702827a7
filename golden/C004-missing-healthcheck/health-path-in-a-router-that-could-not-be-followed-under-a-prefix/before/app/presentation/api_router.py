from fastapi import APIRouter


def create_router() -> APIRouter:
    router = APIRouter()

    @router.get("/health", tags=["System"])
    async def health_check():
        return {"status": "ok"}

    return router

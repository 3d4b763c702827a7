from fastapi import APIRouter

ROUTES = {"health": "/api/health", "send": "/api/send"}


def build_router() -> APIRouter:
    router = APIRouter()
    router.add_api_route(ROUTES["health"], lambda: {"status": "ok"})
    router.add_api_route(ROUTES["send"], lambda: None, methods=["POST"])
    return router

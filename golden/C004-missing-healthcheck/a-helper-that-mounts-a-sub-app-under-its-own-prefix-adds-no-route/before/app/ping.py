from fastapi import APIRouter

ping_router = APIRouter(prefix="/ping")


@ping_router.get("")
async def ping():
    return {"message": "pong"}

from fastapi import APIRouter

router = APIRouter(prefix="/v1")


@router.get("/upstreams")
async def upstreams() -> list[str]:
    return ["orders", "billing"]

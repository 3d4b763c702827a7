from fastapi import APIRouter

router = APIRouter(tags=["api"])


@router.get("/status")
async def status() -> dict[str, str]:
    return {"status": "ok"}

from fastapi import APIRouter

router = APIRouter(prefix="/ops")


@router.get("/health")
async def health():
    return {"status": "ok"}

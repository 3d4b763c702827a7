from fastapi import APIRouter

router = APIRouter()


@router.get("/")
async def list_orders() -> list[dict[str, str]]:
    return []

from fastapi import APIRouter

router = APIRouter()


@router.post("/items")
async def create() -> dict[str, int]:
    return {}


@router.get("/items/{i}")
async def one(i: int) -> dict[str, int]:
    return {}


@router.get("/items")
async def items() -> list[dict[str, int]]:
    return []

from fastapi import APIRouter

router = APIRouter()


@router.get("/")
async def list_users() -> list[str]:
    return []


@router.post("/login")
async def login() -> dict[str, str]:
    return {"token": "t"}

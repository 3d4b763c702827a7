from fastapi import APIRouter

router = APIRouter()


@router.post("/")
async def create_user() -> dict[str, str]:
    return {"id": "1"}


@router.post("/login")
async def login() -> dict[str, str]:
    return {"token": "t"}

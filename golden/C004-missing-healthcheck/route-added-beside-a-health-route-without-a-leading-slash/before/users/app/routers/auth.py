from fastapi import APIRouter

router = APIRouter(tags=["auth"])


@router.post("/auth/login")
async def login():
    return {"token": "..."}


@router.get("auth/healthcheck")
async def healthcheck():
    return {"status": "healthy"}

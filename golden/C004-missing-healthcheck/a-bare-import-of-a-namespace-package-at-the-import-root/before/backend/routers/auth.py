from fastapi import APIRouter
from auth.auth import check

router = APIRouter()


@router.get("/login")
def login(token: str):
    return {"ok": check(token)}

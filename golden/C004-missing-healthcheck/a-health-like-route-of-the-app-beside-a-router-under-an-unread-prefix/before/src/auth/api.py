from fastapi import APIRouter

from src.constants import Prefixes

router = APIRouter(prefix=Prefixes.AUTH)


@router.get("/me")
def me():
    return {}

from fastapi import APIRouter

from .db import get_db

router = APIRouter()


@router.get("/health")
def health():
    return {"status": "ok", "db": get_db()}

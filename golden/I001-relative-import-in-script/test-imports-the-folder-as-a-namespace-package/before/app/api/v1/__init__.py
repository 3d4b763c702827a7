from fastapi import APIRouter

from ...db import get_db
from ..deps import dep

router = APIRouter()


@router.get("/health")
def health():
    return {"status": "ok", "db": get_db(), "dep": dep}

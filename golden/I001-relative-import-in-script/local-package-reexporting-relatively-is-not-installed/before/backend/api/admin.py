from fastapi import APIRouter

from database import get_db

router = APIRouter()


@router.get("/admin")
def admin():
    return {"db": get_db()}


@router.get("/slots")
def slots():
    from availability import count
    return {"count": count()}

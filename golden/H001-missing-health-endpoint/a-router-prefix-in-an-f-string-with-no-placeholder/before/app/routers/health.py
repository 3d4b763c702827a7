from fastapi import APIRouter

router = APIRouter()


@router.get("/records")
def records():
    return []

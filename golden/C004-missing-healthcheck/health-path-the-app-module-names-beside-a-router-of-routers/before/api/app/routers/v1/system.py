from fastapi import APIRouter

router = APIRouter(prefix="/system")


@router.get("/info")
def info():
    return {"name": "api"}

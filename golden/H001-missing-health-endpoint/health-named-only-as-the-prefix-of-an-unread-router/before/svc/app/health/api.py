from fastapi import APIRouter

router = APIRouter(prefix="/health")


@router.get("/live")
def live():
    return {"status": "ok"}

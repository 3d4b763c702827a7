from fastapi import APIRouter

router = APIRouter(prefix="/api")


def helper() -> int:
    return 1


@router.get("/status")
def status():
    return {"ok": True}

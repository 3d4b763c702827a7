from fastapi import APIRouter

router = APIRouter(prefix="/system")


@router.get("/health")
def health():
    return {"status": "ok"}

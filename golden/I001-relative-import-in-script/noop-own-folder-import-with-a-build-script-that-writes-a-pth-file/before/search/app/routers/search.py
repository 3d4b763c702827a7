from fastapi import APIRouter

router = APIRouter()


@router.get("/search")
def search(q: str = ""):
    return {"q": q, "hits": []}


@router.get("/health")
def health():
    return {"status": "ok"}

from fastapi import APIRouter

router = APIRouter(prefix="/api")


@router.get("/items")
def items() -> list[str]:
    return []


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

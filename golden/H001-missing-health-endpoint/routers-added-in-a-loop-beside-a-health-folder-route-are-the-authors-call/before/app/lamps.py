from fastapi import APIRouter

router = APIRouter(prefix="/lamps")


@router.get("/")
def lamps() -> list[str]:
    return []


@router.get("/health/check/")
def lamps_health() -> dict[str, str]:
    return {"status": "ok"}

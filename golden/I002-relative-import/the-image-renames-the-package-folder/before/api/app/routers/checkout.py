from fastapi import APIRouter

from ..config import CURRENCY

router = APIRouter()


@router.get("/checkout")
def checkout() -> dict[str, str]:
    return {"currency": CURRENCY}

from fastapi import APIRouter

from .models import Item

router = APIRouter()


@router.get("/items")
def items() -> list[Item]:
    return []

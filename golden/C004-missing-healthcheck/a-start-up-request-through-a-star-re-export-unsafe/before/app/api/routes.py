from fastapi import APIRouter

from app.api.utils import *

router = APIRouter()


@router.get("/items")
async def items():
    return []

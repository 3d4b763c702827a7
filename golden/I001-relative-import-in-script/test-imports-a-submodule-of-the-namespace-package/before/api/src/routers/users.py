from fastapi import APIRouter

from ..db import engine

router = APIRouter()


@router.get("/users")
def users():
    return [engine]

from fastapi import APIRouter

from ..db import engine
from . import schemas

router = APIRouter(prefix="/orders")


@router.get("")
def list_orders():
    return [str(engine), schemas.X]

from fastapi import APIRouter, Depends

from ..database import (
    get_db,
)
from ..schemas import Order
from .deps import pagination

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get("/", response_model=list[Order])
def list_orders(page: dict = Depends(pagination), db=Depends(get_db)):
    return []

from fastapi import APIRouter, Depends

from .. import schemas
from ..database import get_db  # one session per request
from .deps import pagination

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/", response_model=list[schemas.Item])
def list_items(page: dict = Depends(pagination), db=Depends(get_db)):
    return []

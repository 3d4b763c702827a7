from fastapi import APIRouter

router = APIRouter(prefix="/prices")


@router.get("")
def listing():
    return []

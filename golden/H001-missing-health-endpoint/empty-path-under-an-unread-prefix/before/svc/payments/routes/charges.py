from fastapi import APIRouter

router = APIRouter(prefix="/charges", tags=["charges"])


@router.post("")
async def create_charge(amount: int):
    return {"amount": amount}

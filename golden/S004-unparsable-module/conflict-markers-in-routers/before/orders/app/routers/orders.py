from fastapi import APIRouter

router = APIRouter()
<<<<<<< HEAD
ORDERS: list[dict] = []
=======
ORDERS: dict[int, dict] = {}
>>>>>>> 3f9c2a1 (store orders by id)


@router.get("/")
def list_orders():
    return list(ORDERS)

from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/orders", tags=["orders"])

_ORDERS: dict[int, dict[str, str]] = {}


@router.get("/")
def list_orders() -> list[dict[str, str]]:
    return list(_ORDERS.values())


@router.get("/{order_id}")
def get_order(order_id: int) -> dict[str, str]:
    if order_id not in _ORDERS:
        raise HTTPException(status_code=404)
    return _ORDERS[order_id]

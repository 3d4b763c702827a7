from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

router = APIRouter()


class Product(BaseModel):
    sku: str
    name: str
    price_cents: int


_PRODUCTS = {
    "mug-01": Product(sku="mug-01", name="Mug", price_cents=1200),
}


@router.get("/")
async def list_products() -> list[Product]:
    return list(_PRODUCTS.values())


@router.get("/{sku}")
async def get_product(sku: str) -> Product:
<<<<<<< HEAD
    product = _PRODUCTS.get(sku)
    if product is None:
        raise HTTPException(status_code=404, detail="unknown product")
    return product
=======
    try:
        return _PRODUCTS[sku]
    except KeyError:
        raise HTTPException(status_code=404, detail=f"no product {sku}") from None
>>>>>>> feature/error-messages

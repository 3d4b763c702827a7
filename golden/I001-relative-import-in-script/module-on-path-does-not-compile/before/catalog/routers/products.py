from fastapi import APIRouter, HTTPException

from ..jobs import publish

router = APIRouter(prefix="/products", tags=["products"])

_PRODUCTS: dict[int, dict] = {}


@router.get("/{product_id}")
async def get_product(product_id: int) -> dict:
    if product_id not in _PRODUCTS:
        raise HTTPException(status_code=404, detail="no such product")
    return _PRODUCTS[product_id]


@router.post("/{product_id}/image", status_code=202)
async def upload_image(product_id: int) -> dict[str, str]:
<<<<<<< HEAD
    publish("thumbnail", {"product": product_id})
=======
    publish("thumbnail", {"product": product_id, "sizes": [128, 512]})
>>>>>>> feature/thumbnail-sizes
    return {"status": "queued"}

from fastapi import HTTPException

from catalog.web import CatalogApi

app = CatalogApi(title="Catalog", version="1.4.0")

PRODUCTS = {
    "mug-01": {"sku": "mug-01", "name": "Mug", "price": 9.5},
    "tee-02": {"sku": "tee-02", "name": "T-shirt", "price": 19.0},
}


@app.get(path="/products")
def list_products() -> list[dict[str, object]]:
    return list(PRODUCTS.values())


@app.get(path="/products/{sku}", max_age=300)
def get_product(sku: str) -> dict[str, object]:
    if sku not in PRODUCTS:
        raise HTTPException(status_code=404, detail="unknown product")
    return PRODUCTS[sku]

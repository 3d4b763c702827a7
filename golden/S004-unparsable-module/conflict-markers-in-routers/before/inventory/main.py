from fastapi import FastAPI

app = FastAPI(title="Inventory")

STOCK = {"mug-01": 42}


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/stock/{sku}")
def stock(sku: str):
    return {"sku": sku, "available": STOCK.get(sku, 0)}

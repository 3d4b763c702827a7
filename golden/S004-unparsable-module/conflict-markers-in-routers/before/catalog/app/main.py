from fastapi import FastAPI

from app.routers import products

app = FastAPI(title="Catalog")
app.include_router(products.router, prefix="/products", tags=["products"])


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}

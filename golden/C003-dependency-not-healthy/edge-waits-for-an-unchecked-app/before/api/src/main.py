"""Catalog API."""
from fastapi import FastAPI

app = FastAPI(title="catalog", root_path="/api")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/products")
def products() -> list[dict[str, str]]:
    return []

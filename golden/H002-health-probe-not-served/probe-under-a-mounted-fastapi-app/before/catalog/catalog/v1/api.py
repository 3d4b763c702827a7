from fastapi import FastAPI

v1 = FastAPI(title="catalog v1")


@v1.get("/health", tags=["ops"])
def health():
    return {"status": "ok"}


@v1.get("/products")
def products():
    return []

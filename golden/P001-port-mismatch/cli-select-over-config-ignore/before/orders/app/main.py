from fastapi import FastAPI

from .settings import settings

app = FastAPI(title="orders")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/items")
def items():
    return []

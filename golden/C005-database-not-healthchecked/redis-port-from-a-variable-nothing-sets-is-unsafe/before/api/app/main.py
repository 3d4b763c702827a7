import os

from fastapi import FastAPI

app = FastAPI(title="service")
DATABASE_URL = os.getenv("DATABASE_URL", "")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/items")
def items():
    return []

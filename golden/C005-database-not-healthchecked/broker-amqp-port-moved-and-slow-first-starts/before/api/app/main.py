import os

from fastapi import FastAPI

app = FastAPI(title="api")

DATABASE_URL = os.getenv("DATABASE_URL", "")


@app.get("/items")
def items():
    return []


@app.get("/health")
def health():
    return {"status": "ok"}

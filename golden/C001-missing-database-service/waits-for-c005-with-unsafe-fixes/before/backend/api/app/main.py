from fastapi import FastAPI

from app.db import engine  # noqa: F401

app = FastAPI()


@app.get("/api/v1/items")
async def items():
    return []

from fastapi import FastAPI

from db import get_connection

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/items")
def items() -> list[str]:
    get_connection()
    return []

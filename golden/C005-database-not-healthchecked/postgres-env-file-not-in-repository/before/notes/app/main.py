import os

import asyncpg
from fastapi import FastAPI

app = FastAPI(title="notes")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/notes")
async def notes() -> list[dict[str, object]]:
    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        rows = await connection.fetch("SELECT id, body FROM notes ORDER BY id")
    finally:
        await connection.close()
    return [dict(row) for row in rows]

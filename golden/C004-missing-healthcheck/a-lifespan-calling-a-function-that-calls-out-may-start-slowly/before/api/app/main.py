from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

rates: dict[str, float] = {}


async def initial_sync() -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get("http://bank:8004/export")
        rates.update(response.json())


@asynccontextmanager
async def lifespan(app: FastAPI):
    await initial_sync()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}

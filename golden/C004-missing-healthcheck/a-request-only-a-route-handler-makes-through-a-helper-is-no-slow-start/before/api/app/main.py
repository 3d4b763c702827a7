from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

rates: dict[str, float] = {}


async def fetch_rates() -> dict[str, float]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get("http://bank:8004/export")
        return response.json()


def reset_rates() -> None:
    rates.clear()


@asynccontextmanager
async def lifespan(app: FastAPI):
    reset_rates()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/rates/refresh")
async def refresh() -> dict[str, float]:
    rates.update(await fetch_rates())
    return rates

import httpx
from fastapi import FastAPI

rates: dict[str, float] = {}


async def initial_sync() -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get("http://bank:8004/export")
        rates.update(response.json())


async def warm_up() -> None:
    await initial_sync()


app = FastAPI(on_startup=[warm_up])


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}

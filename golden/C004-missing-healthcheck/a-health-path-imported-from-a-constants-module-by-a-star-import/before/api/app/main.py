from fastapi import FastAPI

from app.common import HEALTH_PATH, ITEMS_PATH

app = FastAPI()


@app.get(HEALTH_PATH)
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get(ITEMS_PATH)
async def items() -> list[str]:
    return []

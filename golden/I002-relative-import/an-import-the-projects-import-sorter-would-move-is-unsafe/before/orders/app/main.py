import os

from fastapi import FastAPI

from app.routers import items

from .config import TITLE

app = FastAPI(title=os.environ.get("TITLE", TITLE))
app.include_router(items.router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

import os

from fastapi import FastAPI

from .config import TITLE
from .routers import items

app = FastAPI(title=os.environ.get("TITLE", TITLE))
app.include_router(items.router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

import logging
import os

from fastapi import FastAPI

from app.routers import items

logging.basicConfig(level=os.getenv("LOG_LEVEL", "info").upper())

app = FastAPI(title="Inventory API")
app.include_router(items.router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


if __name__ == "__main__":
    import uvicorn

    # Local development: `python -m app.main` with auto-reload.
    uvicorn.run("app.main:app", host="0.0.0.0", port=8001, reload=True)

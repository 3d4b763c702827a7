from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.core.config import settings

app = FastAPI(title="users")
app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = "static"


def prepare_storage() -> None:
    # called from a management script, or never: not as the app starts
    Path(STATIC_DIR, "images").mkdir(parents=True, exist_ok=True)


app = FastAPI(title="catalog")
app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

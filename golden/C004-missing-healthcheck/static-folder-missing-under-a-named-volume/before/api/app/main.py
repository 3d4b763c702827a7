from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = "static"

app = FastAPI(title="catalog")
app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

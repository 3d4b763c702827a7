from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


static = Path(__file__).parent / "static"
if static.is_dir():
    app.mount("/", StaticFiles(directory=static, html=True), name="site")

import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

app = FastAPI()
app.mount("/static", StaticFiles(directory=os.environ.get("STATIC_DIR", "static")), name="static")


@app.get("/health")
def health():
    return {"status": "ok"}

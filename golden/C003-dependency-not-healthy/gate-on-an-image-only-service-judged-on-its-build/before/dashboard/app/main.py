import os

from fastapi import FastAPI

FLOWER_URL = os.getenv("FLOWER_URL", "http://flower:5555")

app = FastAPI(title="ops dashboard")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/links")
def links():
    return {"flower": FLOWER_URL}

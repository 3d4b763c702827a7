import os

import httpx
from fastapi import FastAPI

app = FastAPI()

AUTH_URL = os.getenv("AUTH_URL", "http://auth:8000")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/me")
def me() -> dict[str, str]:
    return httpx.get(f"{AUTH_URL}/me").json()

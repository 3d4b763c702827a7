import os
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

OLLAMA_URL = os.getenv("OLLAMA_URL", "http://ollama:11434")


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with httpx.AsyncClient(timeout=None) as client:
        await client.post(f"{OLLAMA_URL}/api/pull", json={"name": "llama3.1:8b"})
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}

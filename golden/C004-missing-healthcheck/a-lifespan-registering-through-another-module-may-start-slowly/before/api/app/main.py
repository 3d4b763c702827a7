from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.sd import register_service


@asynccontextmanager
async def lifespan(app: FastAPI):
    await register_service()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}

import redis.asyncio as redis
from fastapi import FastAPI

app = FastAPI()
cache = redis.from_url("redis://cache:6379")


@app.get("/health")
async def health():
    try:
        await cache.ping()
        reachable = True
    except Exception:
        reachable = False
    return {"status": "ok", "cache": reachable}

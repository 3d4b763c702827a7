import asyncio

from fastapi import FastAPI
from sse_starlette.sse import EventSourceResponse

app = FastAPI()


@app.get("/status")
async def status():
    async def gen():
        while True:
            yield {"event": "status", "data": "up"}
            await asyncio.sleep(5)
    return EventSourceResponse(gen())

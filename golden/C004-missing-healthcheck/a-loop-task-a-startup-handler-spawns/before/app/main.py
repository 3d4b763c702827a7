import asyncio

from fastapi import FastAPI

app = FastAPI()
counter = {"ticks": 0}


async def tick_forever():
    while True:
        await asyncio.sleep(60)
        counter["ticks"] += 1


@app.on_event("startup")
async def startup_event():
    asyncio.get_event_loop().create_task(tick_forever())


@app.get("/health")
def health():
    return {"status": "ok"}

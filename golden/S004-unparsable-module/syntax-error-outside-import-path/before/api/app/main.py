from fastapi import FastAPI

from app.greeting import banner
from app.routers import items

app = FastAPI(title=banner("api"))
app.include_router(items.router)


@app.get("/health")
async def health():
    return {"status": "ok"}

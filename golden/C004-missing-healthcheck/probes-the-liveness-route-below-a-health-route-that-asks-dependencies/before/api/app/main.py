from fastapi import FastAPI

from app.health.router import router as health_router

app = FastAPI(title="orders")
app.include_router(health_router)


@app.get("/orders")
async def list_orders():
    return []

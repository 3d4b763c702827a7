from fastapi import FastAPI

from .routers import orders

app = FastAPI(title="orders")
app.include_router(orders.router, prefix="/orders", tags=["orders"])


@app.get("/")
def root():
    return {"service": "orders"}

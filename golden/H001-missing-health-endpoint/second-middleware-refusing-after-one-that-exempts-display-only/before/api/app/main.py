from fastapi import FastAPI, Request

app = FastAPI(title="orders")

import os

from fastapi.responses import JSONResponse


@app.middleware("http")
async def rate_limit(request: Request, call_next):
    if request.url.path == "/health":
        return await call_next(request)
    if request.headers.get("X-Forwarded-For", "").count(",") > 10:
        return JSONResponse({"detail": "Too many hops"}, status_code=429)
    return await call_next(request)


@app.middleware("http")
async def api_key(request: Request, call_next):
    if request.headers.get("X-API-Key") != os.getenv("API_KEY"):
        return JSONResponse({"detail": "Forbidden"}, status_code=403)
    return await call_next(request)


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order

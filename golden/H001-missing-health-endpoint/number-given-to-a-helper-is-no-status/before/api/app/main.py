from fastapi import FastAPI, Request

app = FastAPI(title="orders")

import logging
import time

logger = logging.getLogger("orders")


def start_timer(request: Request, slow_ms: int = 1000) -> None:
    request.state.started = time.perf_counter()
    request.state.slow_ms = slow_ms


@app.middleware("http")
async def timing(request: Request, call_next):
    start_timer(request, slow_ms=500)
    response = await call_next(request)
    elapsed = (time.perf_counter() - request.state.started) * 1000
    if elapsed > request.state.slow_ms:
        logger.warning("slow request %s %.0fms", request.url.path, elapsed)
    response.headers["X-Process-Time"] = f"{elapsed:.1f}"
    return response


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order

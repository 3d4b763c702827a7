from fastapi import FastAPI, Request

app = FastAPI(title="orders")

import logging
import time

from starlette.middleware.base import BaseHTTPMiddleware

logger = logging.getLogger("orders")


def client_ip(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    if request.client is None:
        raise RuntimeError("no client address")
    return request.client.host


async def log_requests(request: Request, call_next):
    ip = client_ip(request)
    start = time.perf_counter()
    response = await call_next(request)
    logger.info("%s %s %s %.1fms", ip, request.method, request.url.path,
                (time.perf_counter() - start) * 1000)
    return response


app.add_middleware(BaseHTTPMiddleware, dispatch=log_requests)


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order

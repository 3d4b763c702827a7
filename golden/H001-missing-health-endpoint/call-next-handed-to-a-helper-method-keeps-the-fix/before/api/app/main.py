from fastapi import FastAPI, Request

app = FastAPI(title="orders")

import logging
import time

from starlette.middleware.base import BaseHTTPMiddleware

logger = logging.getLogger("orders")


class AccessLogMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        return await self._timed(request, call_next)

    async def _timed(self, request, call_next):
        start = time.perf_counter()
        response = await call_next(request)
        elapsed = time.perf_counter() - start
        if elapsed < 0:
            raise RuntimeError("clock went backwards")
        logger.info("%s %s %.3f", request.method, request.url.path, elapsed)
        return response


app.add_middleware(AccessLogMiddleware)


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order

from fastapi import FastAPI, Request

app = FastAPI(title="orders")

import os

from starlette.middleware.base import BaseHTTPMiddleware


class TenantMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        request.state.tenant = self.require_tenant(request)
        return await call_next(request)

    def require_tenant(self, request):
        tenant = request.headers.get("X-Tenant-ID")
        if not tenant:
            raise RuntimeError("X-Tenant-ID header missing")
        return tenant


app.add_middleware(TenantMiddleware)


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order

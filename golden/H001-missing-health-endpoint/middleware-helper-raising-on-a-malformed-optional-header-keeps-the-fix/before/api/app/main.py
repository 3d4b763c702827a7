from fastapi import FastAPI, Request

app = FastAPI(title="orders")

import re

TENANT_RE = re.compile(r"^[a-z0-9-]{3,32}$")


def parse_tenant(value):
    if value is None:
        return None
    if not TENANT_RE.match(value):
        raise ValueError(f"bad tenant id {value!r}")
    return value


@app.middleware("http")
async def tenant_context(request: Request, call_next):
    request.state.tenant = parse_tenant(request.headers.get("X-Tenant-ID"))
    return await call_next(request)


@app.get("/orders")
async def list_orders():
    return []


@app.post("/orders")
async def create_order(order: dict):
    return order

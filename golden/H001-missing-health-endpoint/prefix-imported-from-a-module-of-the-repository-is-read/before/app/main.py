from fastapi import FastAPI

from app.routers import ROUTE_PREFIX as v1_prefix
from app.routers import items

app = FastAPI()
app.include_router(items.router, prefix=v1_prefix)

import os

from fastapi import FastAPI

from app.api.router import build_router

app = FastAPI()
app.include_router(build_router(prefix=os.environ.get("PREFIX", "/api/v1")))

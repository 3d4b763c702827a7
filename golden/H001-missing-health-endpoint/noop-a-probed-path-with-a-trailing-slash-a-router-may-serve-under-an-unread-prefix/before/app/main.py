import importlib

from fastapi import FastAPI

from app.core.config import settings

app = FastAPI()

for name in ("utils",):
    module = importlib.import_module(f"app.{name}")
    app.include_router(module.router, prefix=settings.API_V1_STR)

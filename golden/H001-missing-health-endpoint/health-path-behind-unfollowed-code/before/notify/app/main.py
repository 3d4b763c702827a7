from fastapi import FastAPI

from app.api import build_router

app = FastAPI(title="notify")
app.include_router(build_router())

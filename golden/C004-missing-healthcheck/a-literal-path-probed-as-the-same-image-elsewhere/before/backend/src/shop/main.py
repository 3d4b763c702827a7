from fastapi import FastAPI

from shop.api import build_router

app = FastAPI()
app.include_router(build_router())

from fastapi import FastAPI

from app.router import build_api_router

app = FastAPI()
app.include_router(build_api_router(), prefix="/api/v1")

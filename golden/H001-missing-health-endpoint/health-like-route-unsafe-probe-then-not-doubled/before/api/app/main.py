from fastapi import FastAPI

from app.routes import health_check

app = FastAPI()
app.include_router(health_check.router, prefix="/api/v1")

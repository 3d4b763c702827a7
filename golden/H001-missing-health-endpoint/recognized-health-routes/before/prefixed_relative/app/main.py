from fastapi import FastAPI

from .routes import status

app = FastAPI()
app.include_router(status.router, prefix="/api/v1")

from fastapi import FastAPI

from .routers import status

app = FastAPI()

status_router = status.router
app.include_router(status_router)

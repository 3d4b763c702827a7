from fastapi import FastAPI

from app import health
from app.routers import users

app = FastAPI()
app.include_router(users.router, prefix="/v1")


def health_check():
    return health.check()
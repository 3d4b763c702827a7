from fastapi import FastAPI
from starlette.middleware import Middleware

from app.security import ApiKeyMiddleware

app = FastAPI(middleware=[Middleware(ApiKeyMiddleware)])


@app.get("/items")
def items():
    return []

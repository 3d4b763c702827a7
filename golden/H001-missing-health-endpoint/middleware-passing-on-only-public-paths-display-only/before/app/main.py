from fastapi import FastAPI
from starlette.middleware.base import BaseHTTPMiddleware

from app.guard import guard

app = FastAPI()
app.add_middleware(middleware_class=BaseHTTPMiddleware, dispatch=guard)

import os

from fastapi import APIRouter, FastAPI, WebSocket

from app.chat import chat_router

api = APIRouter()


@api.get("/items")
def items():
    return []


app = FastAPI(title="x")
app.include_router(api, prefix=os.environ.get("API_PREFIX", "/api/v1"))
app.include_router(chat_router)

import socketio
from fastapi import FastAPI

sio = socketio.AsyncServer(async_mode="asgi")
api = FastAPI()


@api.get("/items")
def items():
    return []


app = socketio.ASGIApp(sio, api, socketio_path="")

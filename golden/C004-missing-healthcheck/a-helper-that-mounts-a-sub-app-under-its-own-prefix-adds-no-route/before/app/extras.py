import socketio
from fastapi import FastAPI


def register_socketio_app(app: FastAPI) -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    asgi = socketio.ASGIApp(socketio_server=sio)
    app.mount("/ws", asgi)

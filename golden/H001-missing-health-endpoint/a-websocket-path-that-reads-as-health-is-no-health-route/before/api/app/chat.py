from fastapi import APIRouter, WebSocket

chat_router = APIRouter()


@chat_router.websocket("/api/live")
async def live(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()

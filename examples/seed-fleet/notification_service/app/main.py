import os
from typing import List

from fastapi import FastAPI
from pydantic import BaseModel

LOG_LEVEL = os.environ.get("LOG_LEVEL", "info")

app = FastAPI(title="Notification Service")


class Notification(BaseModel):
    recipient: str
    channel: str = "email"
    subject: str
    body: str


SENT: List[Notification] = []


@app.get("/health")
def health():
    return {"status": "ok", "service": "notification_service"}


@app.post("/notifications", status_code=202)
def send_notification(notification: Notification):
    SENT.append(notification)
    return {"queued": True, "position": len(SENT)}


@app.get("/notifications")
def list_notifications():
    return {"count": len(SENT), "items": SENT}

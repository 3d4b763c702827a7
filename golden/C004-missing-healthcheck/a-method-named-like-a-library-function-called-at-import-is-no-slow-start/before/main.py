import json
from pathlib import Path

from fastapi import FastAPI, Request

from app.storage import S3Storage

SETTINGS = json.load(open(Path(__file__).with_name("settings.json")))

app = FastAPI(title=SETTINGS["title"])
storage = S3Storage("uploads")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.put("/files/{key}")
async def put_file(key: str, request: Request):
    storage.upload(key, await request.body())
    return {"key": key}

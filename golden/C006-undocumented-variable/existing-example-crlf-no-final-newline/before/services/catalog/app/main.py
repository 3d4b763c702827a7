import os

from fastapi import FastAPI

app = FastAPI()
BUCKET = os.environ.get("S3_BUCKET", "")


@app.get("/health")
async def health():
    return {"status": "ok"}

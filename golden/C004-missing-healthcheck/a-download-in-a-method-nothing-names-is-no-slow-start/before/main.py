from fastapi import FastAPI, Request

from app.storage import S3Storage

app = FastAPI()
storage = S3Storage("uploads")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.put("/files/{key}")
async def put_file(key: str, request: Request):
    storage.upload(key, await request.body())
    return {"key": key}

from fastapi import FastAPI

from app.logging import log
from app.redis import client

app = FastAPI()


@app.get("/health")
def health():
    log.info("health")
    return {"status": "ok"}

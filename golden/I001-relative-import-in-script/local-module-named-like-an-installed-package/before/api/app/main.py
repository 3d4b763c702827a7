from fastapi import FastAPI

from .celery import celery_app

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": celery_app.main}

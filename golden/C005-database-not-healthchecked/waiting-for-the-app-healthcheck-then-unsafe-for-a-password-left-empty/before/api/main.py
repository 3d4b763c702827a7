from celery import Celery
from fastapi import FastAPI

app = FastAPI()
celery = Celery("main", broker="redis://redis:6379/0")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

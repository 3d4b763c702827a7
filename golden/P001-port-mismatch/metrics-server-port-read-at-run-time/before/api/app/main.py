from fastapi import FastAPI

from app.metrics import start_metrics

app = FastAPI()


@app.on_event("startup")
def _start():
    start_metrics()


@app.get("/health")
def health():
    return {"status": "ok"}

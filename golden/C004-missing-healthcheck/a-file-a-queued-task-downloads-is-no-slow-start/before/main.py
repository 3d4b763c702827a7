from fastapi import FastAPI

from app.tasks import ingest

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


def queue(key: str) -> None:
    ingest.delay(key)


@app.post("/documents/{key}")
def upload(key: str):
    queue(key)
    return {"queued": key}

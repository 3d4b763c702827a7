from fastapi import FastAPI

from .worker import send_report

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/reports")
def queue_report() -> dict[str, str]:
    send_report.delay()
    return {"queued": "yes"}

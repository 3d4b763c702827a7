"""Monthly sales reports."""
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from app.legacy import csvexport

app = FastAPI(title="Reports")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/reports/{month}.csv", response_class=PlainTextResponse)
def monthly(month: str):
    return csvexport.render(month, rows=[])

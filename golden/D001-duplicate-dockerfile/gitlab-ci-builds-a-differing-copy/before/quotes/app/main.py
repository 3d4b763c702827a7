"""quotes: HTTP API."""
from fastapi import FastAPI

app = FastAPI(title="quotes")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/items/{item_id}")
def get_item(item_id: int):
    return {"id": item_id, "service": "quotes"}

from fastapi import FastAPI

from app.chunker import Chunker

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/chunk")
def chunk(text: str):
    return Chunker().split(text)

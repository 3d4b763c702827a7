from fastapi import FastAPI

from .database import engine

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}

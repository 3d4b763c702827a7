from fastapi import FastAPI

from app.core import helpers

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": helpers.ok()}

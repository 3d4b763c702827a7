from fastapi import FastAPI

from app.registry import initialize

app = FastAPI()

initialize()


@app.get("/health")
def health():
    return {"status": "ok"}

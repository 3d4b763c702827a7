from fastapi import FastAPI

from app.service import greet

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": greet()}

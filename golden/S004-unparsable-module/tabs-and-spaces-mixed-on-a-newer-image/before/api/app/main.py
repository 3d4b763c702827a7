from fastapi import FastAPI

from app.util import greet

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok", "msg": greet()}

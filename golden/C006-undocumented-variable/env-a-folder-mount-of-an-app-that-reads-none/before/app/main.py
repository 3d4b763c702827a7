import os

from fastapi import FastAPI

SECRET_KEY = os.environ["SECRET_KEY"]
app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}

import os

from fastapi import FastAPI

SECRET_KEY = os.environ["SECRET_KEY"]
app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

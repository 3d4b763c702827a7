import os

import uvicorn
from fastapi import FastAPI

APP_HOST = os.getenv("APP_HOST", "127.0.0.1")
app = FastAPI()


@app.get("/")
def root():
    return {"ok": True}


if __name__ == "__main__":
    uvicorn.run("main:app", host=APP_HOST, port=8000)

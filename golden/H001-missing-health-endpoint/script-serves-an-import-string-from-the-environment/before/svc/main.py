import os

import uvicorn
from fastapi import FastAPI

APP_TARGET = os.getenv("APP_TARGET", "main:app")

app = FastAPI()


@app.get("/items")
def items():
    return []


if __name__ == "__main__":
    uvicorn.run(APP_TARGET, host="0.0.0.0", port=8000)

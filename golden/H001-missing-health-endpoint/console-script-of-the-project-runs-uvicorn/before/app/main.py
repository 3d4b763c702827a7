import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items():
    return []


def run():
    uvicorn.run("app.main:app", host="0.0.0.0", port=8000)

from fastapi import FastAPI

from util import to_int

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/n/{value}")
def n(value: str):
    return {"n": to_int(value)}

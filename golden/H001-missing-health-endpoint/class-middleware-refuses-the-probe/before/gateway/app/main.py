from fastapi import FastAPI

from app.auth import TokenMiddleware

app = FastAPI()
app.add_middleware(TokenMiddleware)


@app.post("/login")
def login():
    return {"token": "x"}


@app.get("/orders")
def orders():
    return []

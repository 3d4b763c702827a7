from fastapi import FastAPI

from app.settings import MIDDLEWARE

app = FastAPI(middleware=MIDDLEWARE)


@app.get("/auth/login")
def login() -> dict[str, str]:
    return {"token": "x"}

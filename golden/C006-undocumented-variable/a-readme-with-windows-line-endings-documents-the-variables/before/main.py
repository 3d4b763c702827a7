import os

from fastapi import FastAPI, Header, HTTPException

app = FastAPI()
API_KEY = os.getenv("API_KEY")
DB_HOST = os.getenv("DB_HOST", "localhost")


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/secret")
def secret(x_api_key: str | None = Header(default=None)):
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401)
    return {"db": DB_HOST}

import os
import secrets

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

DATABASE_URL = os.environ.get("DATABASE_URL")

app = FastAPI(title="Auth Service")

TOKENS = {}


class LoginRequest(BaseModel):
    username: str
    password: str


@app.get("/health")
def health():
    return {"status": "ok", "service": "auth_service"}


@app.post("/token")
def issue_token(request: LoginRequest):
    if not request.password:
        raise HTTPException(status_code=401, detail="invalid credentials")
    token = secrets.token_hex(16)
    TOKENS[token] = request.username
    return {"access_token": token, "token_type": "bearer"}


@app.get("/token/{token}")
def validate_token(token: str):
    if token not in TOKENS:
        raise HTTPException(status_code=404, detail="unknown token")
    return {"valid": True, "username": TOKENS[token]}

import os
from fastapi import FastAPI
from sqlalchemy import create_engine


app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}

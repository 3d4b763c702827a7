import sqlalchemy
import redis
from fastapi import FastAPI

from app import db

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}

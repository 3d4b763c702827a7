import os

from fastapi import FastAPI
from sqlalchemy import create_engine

engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///./shop.db"))
app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}

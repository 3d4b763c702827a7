import os

from fastapi import FastAPI
from sqlalchemy import create_engine

engine = create_engine(os.getenv("DATABASE_URL"))
app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}

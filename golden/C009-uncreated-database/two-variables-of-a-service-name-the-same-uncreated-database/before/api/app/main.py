import os

from fastapi import FastAPI
from sqlalchemy import create_engine

engine = create_engine(os.environ["DATABASE_URL"])
chat_engine = create_engine(os.environ["CHAT_DATABASE_URL"])
app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

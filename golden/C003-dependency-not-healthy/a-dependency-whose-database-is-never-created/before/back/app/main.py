import os

from fastapi import FastAPI
from sqlalchemy import create_engine

from app.models import Base

engine = create_engine(os.environ["DATABASE_URL"])
Base.metadata.create_all(engine)   # connects at import: the server stops without its database

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}

import os

from fastapi import FastAPI
from sqlalchemy import create_engine, text

app = FastAPI()
engine = create_engine(os.environ["DATABASE_URL"])


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/entries")
def entries():
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text("SELECT 1 AS one"))]

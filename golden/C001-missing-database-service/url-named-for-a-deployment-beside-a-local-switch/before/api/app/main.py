import os

from fastapi import FastAPI
from sqlalchemy import create_engine

# a local run keeps its data in SQLite; deployments set the real database's URL
LOCAL = os.getenv("LOCAL_RUN") == "1"
engine = create_engine("sqlite:///./local.db" if LOCAL else os.environ["PROD_DATABASE_URL"])

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

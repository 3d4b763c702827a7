import os

from fastapi import FastAPI
from pymongo import MongoClient

app = FastAPI()
client = MongoClient(os.environ["MONGO_URL"])


@app.get("/health")
def health():
    return {"status": "ok"}

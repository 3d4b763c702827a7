from contextlib import asynccontextmanager

import boto3
import joblib
from fastapi import FastAPI

models = {}


@asynccontextmanager
async def lifespan(app: FastAPI):
    boto3.client("s3").download_file("models", "ranker.joblib", "/tmp/ranker.joblib")
    models["ranker"] = joblib.load("/tmp/ranker.joblib")
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
def health():
    return {"status": "ok"}

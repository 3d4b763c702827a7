import boto3
from fastapi import FastAPI

app = FastAPI()
s3 = boto3.client("s3")


class Store:
    def download_file(self, key: str) -> str:
        path = f"data/{key}"
        s3.download_file("models", key, path)
        return path


def download_file(key: str) -> str:
    return Store().download_file(key)


@app.on_event("startup")
def warm_cache():
    download_file("index.json")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/files/{key}")
def get_file(key: str):
    return download_file(key)

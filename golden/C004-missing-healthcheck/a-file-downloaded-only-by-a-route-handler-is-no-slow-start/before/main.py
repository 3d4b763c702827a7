from fastapi import FastAPI

from app.storage import download

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/files/{name}")
def get_file(name: str):
    return download(name)

from fastapi import FastAPI

from app.storage import download

app = FastAPI()


@app.on_event("startup")
def warm_cache():
    download("index.json")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/files/{name}")
def get_file(name: str):
    return download(name)

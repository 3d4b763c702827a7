from fastapi import FastAPI

from app.storage import download_file as dl

app = FastAPI()


@app.on_event("startup")
def warm():
    dl("x")


@app.get("/health")
def health():
    return {"status": "ok"}

from fastapi import FastAPI

from app.storage import download_file

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}

from fastapi import FastAPI

from app.config import settings

app = FastAPI(root_path=settings.ROOT_PATH)


@app.get("/health")
def health():
    return {"status": "ok"}

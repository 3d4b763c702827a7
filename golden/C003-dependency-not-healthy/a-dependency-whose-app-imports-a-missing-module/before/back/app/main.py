from fastapi import FastAPI

from app.db.base_class import Base

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}

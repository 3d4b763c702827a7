from fastapi import FastAPI

from app.api import health

app = FastAPI(title="Notes API", version="0.1.0")

app.include_router(health.router, prefix="/api")


@app.get("/api/notes")
def list_notes():
    return []

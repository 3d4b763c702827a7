from fastapi import FastAPI

from app.db import get_db

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": get_db()}

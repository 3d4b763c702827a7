"""Local dev runner (not used in the image)."""
from fastapi import FastAPI

app = FastAPI()


@app.get("/ready")
def ready():
    return {"status": "dev"}

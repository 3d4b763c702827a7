# legacy entry point kept for old scripts; `uvicorn api:app` imports the api/ package instead
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items():
    return []

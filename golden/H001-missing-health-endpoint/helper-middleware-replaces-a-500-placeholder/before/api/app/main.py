from fastapi import FastAPI

from app.setup import setup_logging

app = FastAPI()
setup_logging(app)


@app.get("/items")
def items():
    return []

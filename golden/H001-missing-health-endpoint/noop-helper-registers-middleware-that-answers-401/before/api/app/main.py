from fastapi import FastAPI

from app.setup import setup_guard

app = FastAPI()
setup_guard(app)


@app.get("/items")
def items():
    return []

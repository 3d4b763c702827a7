from fastapi import FastAPI

from app.middlewares.auth import init_middlewares

app = FastAPI()
init_middlewares(app_=app)


@app.get("/items")
def items():
    return []

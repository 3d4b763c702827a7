from fastapi import FastAPI
from fastapi.middleware.wsgi import WSGIMiddleware

from app.legacy import flask_app

app = FastAPI()


@app.get("/v2/items")
def items():
    return []


app.mount("/", WSGIMiddleware(flask_app))

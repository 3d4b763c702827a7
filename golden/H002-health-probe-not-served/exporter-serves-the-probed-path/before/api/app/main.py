from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator

app = FastAPI()


@app.get("/")
def root():
    return {"hello": "world"}


Instrumentator().instrument(app).expose(app)

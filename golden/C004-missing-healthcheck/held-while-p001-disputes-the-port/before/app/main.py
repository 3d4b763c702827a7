from fastapi import FastAPI
from prometheus_client import start_http_server

app = FastAPI()
start_http_server(8000)   # metrics beside the API


@app.get("/")
def index():
    return {"hello": "world"}

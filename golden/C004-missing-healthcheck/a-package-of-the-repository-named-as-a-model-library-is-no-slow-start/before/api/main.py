from fastapi import FastAPI

from vllm.client import Client

app = FastAPI()
client = Client()


@app.get("/health")
def health():
    return {"status": "ok"}

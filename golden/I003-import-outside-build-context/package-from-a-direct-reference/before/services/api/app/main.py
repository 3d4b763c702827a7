from fastapi import FastAPI

from common.health import ok

app = FastAPI()


@app.get("/health")
def health():
    return ok()

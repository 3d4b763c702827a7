from fastapi import FastAPI

from helpers import greeting

app = FastAPI()


@app.get("/health")
def health():
    return {"status": greeting()}

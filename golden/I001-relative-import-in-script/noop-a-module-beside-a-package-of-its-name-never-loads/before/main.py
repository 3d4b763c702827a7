from fastapi import FastAPI

from tools.helper import util

app = FastAPI()


@app.get("/health")
def health():
    return {"status": util()}

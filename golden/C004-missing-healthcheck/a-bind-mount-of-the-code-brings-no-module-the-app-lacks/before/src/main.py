from fastapi import FastAPI

from settings import TITLE

app = FastAPI(title=TITLE)


@app.get("/health")
def health():
    return {"status": "ok"}

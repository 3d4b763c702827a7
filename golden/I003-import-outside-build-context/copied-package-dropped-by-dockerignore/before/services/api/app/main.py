from fastapi import FastAPI

from acme_shared.text import slugify

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/slug/{s}")
def slug(s: str):
    return {"slug": slugify(s)}

from fastapi import FastAPI

from database import URL
from .helpers import title

app = FastAPI()


@app.get("/health")
def health():
    return {"status": title("ok"), "db": URL}

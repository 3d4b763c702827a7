from fastapi import FastAPI
from .models import (User,
                     Item)
from .db import get_db, \
                engine

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok", "u": User, "i": Item, "g": get_db, "e": engine}

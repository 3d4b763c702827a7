from enum import Enum

from fastapi import FastAPI

app = FastAPI()


class Kind(str, Enum):
    book = "book"
    film = "film"


@app.get("/{kind}")
def by_kind(kind: int | None):
    return {"kind": kind}

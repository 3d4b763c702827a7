from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from .db import Engine

app = FastAPI()


def get_engine() -> Engine:
    raise NotImplementedError


@app.get("/health")
def health():
    return {"ok": True}

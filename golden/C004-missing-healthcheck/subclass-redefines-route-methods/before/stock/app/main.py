from typing import Any

from fastapi import APIRouter, FastAPI


class VersionedApi(FastAPI):
    """Routes added on the app land under /v2: the proxy strips nothing."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.router = APIRouter(prefix="/v2")


app = VersionedApi(title="Stock")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/levels/{sku}")
def level(sku: str) -> dict[str, int]:
    return {"on_hand": 0}

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from app.routers import ops


class PricingApi(FastAPI):
    def get(self, path: str, **kwargs: Any) -> Callable[..., Any]:
        """Prices are public: GET routes are cached by the proxy for five minutes."""
        kwargs.setdefault("openapi_extra", {"x-cache": "300"})
        return super().get(path, **kwargs)


app = PricingApi(title="Pricing")
app.include_router(ops.router)


@app.get("/prices/{sku}")
async def price(sku: str) -> dict[str, float]:
    return {"amount": 0.0}

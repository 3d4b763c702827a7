from fastapi import FastAPI
from observability.audit import AuditTrail


class RatingsApi(FastAPI, AuditTrail):
    """FastAPI first: its routing wins over anything the audit helpers define."""


app = RatingsApi(title="Ratings")


@app.get("/ratings/{product_id}")
async def ratings(product_id: str) -> dict[str, float]:
    return {"average": 0.0}

import os
from collections import defaultdict

from fastapi import FastAPI
from pydantic import BaseModel

DATABASE_URL = os.environ.get("DATABASE_URL")

app = FastAPI(title="Usage Service")

TOTALS = defaultdict(float)


class UsageEvent(BaseModel):
    account_id: str
    metric: str
    quantity: float


@app.get("/health")
def health():
    return {"status": "ok", "service": "usage_service"}


@app.post("/events", status_code=201)
def record_event(event: UsageEvent):
    TOTALS[(event.account_id, event.metric)] += event.quantity
    return {"recorded": True}


@app.get("/usage/{account_id}")
def get_usage(account_id: str):
    metrics = {
        metric: total
        for (account, metric), total in TOTALS.items()
        if account == account_id
    }
    return {"account_id": account_id, "metrics": metrics}

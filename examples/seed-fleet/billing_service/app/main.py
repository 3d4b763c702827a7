import os

from fastapi import FastAPI

from app.schemas import ChargeRequest, ChargeResponse

DATABASE_URL = os.environ.get("DATABASE_URL")

app = FastAPI(title="Billing Service")


@app.get("/health")
def health():
    return {"status": "ok", "service": "billing_service"}


@app.post("/charges", response_model=ChargeResponse)
def compute_charge(request: ChargeRequest):
    total = sum(item.quantity * item.unit_price for item in request.items)
    return ChargeResponse(account_id=request.account_id, total=round(total, 2))


@app.get("/accounts/{account_id}/plan")
def get_plan(account_id: str):
    return {"account_id": account_id, "plan": "standard"}

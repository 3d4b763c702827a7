"""Billing API."""
from fastapi import FastAPI

app = FastAPI(title="billing")


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/invoices/{invoice_id}")
def get_invoice(invoice_id: int):
    return {"id": invoice_id}

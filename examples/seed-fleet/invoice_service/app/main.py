import os

from fastapi import FastAPI, HTTPException

from app.schemas import Invoice, InvoiceCreate

DATABASE_URL = os.environ.get("DATABASE_URL")

app = FastAPI(title="Invoice Service")

INVOICES = {}


@app.get("/health")
def health():
    return {"status": "ok", "service": "invoice_service"}


@app.post("/invoices", response_model=Invoice, status_code=201)
def create_invoice(payload: InvoiceCreate):
    invoice = Invoice(
        id=len(INVOICES) + 1,
        account_id=payload.account_id,
        amount=payload.amount,
        due_date=payload.due_date,
    )
    INVOICES[invoice.id] = invoice
    return invoice


@app.get("/invoices/{invoice_id}", response_model=Invoice)
def get_invoice(invoice_id: int):
    if invoice_id not in INVOICES:
        raise HTTPException(status_code=404, detail="invoice not found")
    return INVOICES[invoice_id]

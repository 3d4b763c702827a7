from datetime import date
from typing import Optional

from pydantic import BaseModel


class InvoiceCreate(BaseModel):
    account_id: str
    amount: float
    due_date: date


class Invoice(InvoiceCreate):
    id: int
    status: str = "open"
    paid_on: Optional[date] = None

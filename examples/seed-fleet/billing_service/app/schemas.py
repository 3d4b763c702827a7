from typing import List

from pydantic import BaseModel


class LineItem(BaseModel):
    metric: str
    quantity: float
    unit_price: float


class ChargeRequest(BaseModel):
    account_id: str
    items: List[LineItem]


class ChargeResponse(BaseModel):
    account_id: str
    total: float
    currency: str = "USD"

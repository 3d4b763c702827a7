from pydantic import BaseModel


class Order(BaseModel):
    id: int
    total_cents: int


class Payment(BaseModel):
    order_id: int
    amount_cents: int

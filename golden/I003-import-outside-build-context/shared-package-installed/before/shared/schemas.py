from pydantic import BaseModel


class Invoice(BaseModel):
    number: str
    total_cents: int

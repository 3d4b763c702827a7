from pydantic import BaseModel


class Out(BaseModel):
    km: float

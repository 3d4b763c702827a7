from typing import List

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="AI Modeling Service")


class ForecastRequest(BaseModel):
    account_id: str
    history: List[float]
    horizon: int = 3


class ForecastResponse(BaseModel):
    account_id: str
    forecast: List[float]


@app.get("/health")
def health():
    return {"status": "ok", "service": "ai_modeling_service"}


@app.post("/forecast", response_model=ForecastResponse)
def forecast(request: ForecastRequest):
    # Naive moving-average forecast; a real model would be loaded lazily.
    window = request.history[-3:] or [0.0]
    average = sum(window) / len(window)
    return ForecastResponse(
        account_id=request.account_id,
        forecast=[round(average, 2)] * request.horizon,
    )

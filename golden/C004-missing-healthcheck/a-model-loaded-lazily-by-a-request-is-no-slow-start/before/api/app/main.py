import os

import xgboost as xgb
from fastapi import FastAPI

app = FastAPI()
_model = None


def get_model() -> xgb.Booster:
    global _model
    if _model is None:
        _model = xgb.Booster()
        _model.load_model(os.environ.get("MODEL_PATH", "/models/scores.json"))
    return _model


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/predict")
def predict() -> dict[str, float]:
    get_model()
    return {"score": 0.5}

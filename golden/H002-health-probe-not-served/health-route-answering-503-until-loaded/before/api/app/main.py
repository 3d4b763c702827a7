import pickle
import threading
from pathlib import Path

from fastapi import FastAPI, Response

app = FastAPI()
MODEL = {"clf": None}


def _load():
    with Path("/artifacts/model.pkl").open("rb") as fh:
        MODEL["clf"] = pickle.load(fh)


threading.Thread(target=_load, daemon=True).start()


@app.get("/ready")
def ready(response: Response):
    if MODEL["clf"] is None:
        response.status_code = 503
        return {"status": "warming up"}
    return {"status": "ok"}


@app.post("/predict")
def predict(features: list[float]):
    return {"label": int(MODEL["clf"].predict([features])[0])}

from fastapi import FastAPI, Response

app = FastAPI()
_model = None


def get_model():
    global _model
    if _model is None:
        _model = object()
    return _model


@app.get("/health")
def health(response: Response) -> dict[str, str]:
    if _model is None:
        response.status_code = 503
        return {"status": "loading"}
    return {"status": "ok"}


@app.post("/predict")
def predict() -> dict[str, str]:
    get_model()
    return {"ok": "yes"}

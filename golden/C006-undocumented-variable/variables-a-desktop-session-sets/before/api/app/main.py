import joblib
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


@app.post("/predict")
def predict(x: float):
    model = joblib.load("/code/model.pkl")
    return {"y": float(model.predict([[x]])[0])}

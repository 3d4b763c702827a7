from fastapi import FastAPI

from app.classifier import Classifier

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/classify")
def classify(text: str):
    return {"tokens": Classifier().classify(text)}


WARM = Classifier().tokenizer

from fastapi import FastAPI
from transformers import pipeline

app = FastAPI()
summarize = pipeline("summarization", model="sshleifer/distilbart-cnn-12-6")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/summarize")
def summary(text: str):
    return summarize(text, max_length=120)[0]

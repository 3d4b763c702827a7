from fastapi import FastAPI
from kafka import KafkaProducer

app = FastAPI()
producer = None


@app.on_event("startup")
def connect():
    global producer
    producer = KafkaProducer(bootstrap_servers="kafka:9092")


@app.get("/health")
def health():
    return {"ok": True}

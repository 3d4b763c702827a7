import os

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

app = FastAPI()
producer = None


@app.on_event("startup")
async def startup() -> None:
    global producer
    producer = AIOKafkaProducer(bootstrap_servers=os.getenv("KAFKA", "kafka:9092"))
    await producer.start()


@app.on_event("shutdown")
async def shutdown() -> None:
    if producer is not None:
        await producer.stop()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

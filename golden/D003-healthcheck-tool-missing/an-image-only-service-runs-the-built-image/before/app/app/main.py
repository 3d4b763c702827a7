from fastapi import FastAPI

from app.tasks import add

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/add")
def enqueue(x: int, y: int):
    return {"task_id": add.delay(x, y).id}

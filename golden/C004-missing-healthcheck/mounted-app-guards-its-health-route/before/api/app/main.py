from fastapi import FastAPI

from app.ops import ops

app = FastAPI()


@app.get("/orders")
def list_orders():
    return []


app.mount("/ops", ops)

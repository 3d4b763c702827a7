"""Orders service."""
from fastapi import FastAPI

app = FastAPI(title="Orders")


@app.get("/orders/{order_id}")
def get_order(order_id: str) -> dict[str, str]:
    return {"id": order_id}
    # return {"id": order_id, "status": lookup(order_id)}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app)

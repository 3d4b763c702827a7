"""Items service."""
from fastapi import FastAPI

app = FastAPI(title="Items")

ITEMS = {"1": "apple"}


@app.get("/items")
def list_items():
    return ITEMS


@app.get("/items/{item_id}")
def get_item(item_id: str):
    return {"id": item_id, "name": ITEMS.get(item_id)}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=8000)

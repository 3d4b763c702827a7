from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items() -> dict:
    """List items."""
    return {"items": []}

from fastapi import FastAPI

app = FastAPI()


@app.post("/status", status_code=204)
async def post_crawler_status(state: str) -> None:
    """Record a crawler's state."""


@app.get("/items")
async def items():
    return []

from fastapi import FastAPI

app = FastAPI()


@app.post("/healthz", tags=["Health"], status_code=204)
async def healthz() -> None:
    """Healthcheck endpoint."""


@app.get("/items")
async def items():
    return []

from fastapi import FastAPI

app = FastAPI(title="Reports")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/reports/daily")
async def daily() -> list[dict[str, int]]:
    return []

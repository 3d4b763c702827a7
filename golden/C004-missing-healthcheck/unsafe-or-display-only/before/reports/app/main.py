from fastapi import FastAPI

from app.settings import settings

app = FastAPI(title="reports")


@app.get(settings.health_path, include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/reports")
def reports() -> list[str]:
    return []

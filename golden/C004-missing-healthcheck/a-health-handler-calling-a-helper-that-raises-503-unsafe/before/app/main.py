from fastapi import FastAPI

from app.checks import require_broker

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    require_broker()
    return {"status": "ok"}

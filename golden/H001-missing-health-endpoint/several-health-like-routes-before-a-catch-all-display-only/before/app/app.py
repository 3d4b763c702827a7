from fastapi import FastAPI

from app.api import health

app = FastAPI()
app.include_router(health.router, prefix="/health", tags=["health"])


@app.get("/{full_path:path}")
def spa(full_path: str):
    return {"path": full_path}

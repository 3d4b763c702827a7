import os

from fastapi import FastAPI, Header, HTTPException

app = FastAPI(title="Shop admin", root_path="/admin")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/orders")
def orders(x_admin_token: str = Header()) -> list[dict[str, str]]:
    if x_admin_token != os.environ.get("ADMIN_TOKEN"):
        raise HTTPException(status_code=403)
    return []

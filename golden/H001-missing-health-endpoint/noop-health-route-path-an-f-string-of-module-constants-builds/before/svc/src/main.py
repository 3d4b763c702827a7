from fastapi import FastAPI

BASE = "/svc"
API = f"{BASE}/api/v1"

app = FastAPI()


@app.get(f"{API}/_ping")
async def ping() -> dict[str, str]:
    return {}


@app.get(API + "/items")
async def items() -> list[str]:
    return []

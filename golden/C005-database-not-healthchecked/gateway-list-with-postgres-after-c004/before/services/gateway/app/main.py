import os

import httpx
from fastapi import FastAPI

app = FastAPI()
ACCOUNTS_URL = os.environ["ACCOUNTS_URL"]


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/accounts/{account_id}")
async def account(account_id: str):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{ACCOUNTS_URL}/accounts/{account_id}")
    return response.json()

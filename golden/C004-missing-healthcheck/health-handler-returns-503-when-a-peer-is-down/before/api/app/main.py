import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()
PEERS = ["http://billing:8000/health", "http://ledger:8000/health"]


async def peers_ok() -> bool:
    async with httpx.AsyncClient(timeout=2) as client:
        for url in PEERS:
            try:
                if (await client.get(url)).status_code != 200:
                    return False
            except httpx.HTTPError:
                return False
    return True


@app.get("/health")
async def health() -> JSONResponse:
    ok = await peers_ok()
    return JSONResponse(content={"ok": ok}, status_code=200 if ok else 503)

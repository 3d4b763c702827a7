import httpx
from fastapi import FastAPI

app = FastAPI()
client = httpx.AsyncClient(timeout=30.0)
SERVICES = {"users": "http://users:80", "orders": "http://orders:80", "billing": "http://billing:80"}


@app.get("/health")
async def health():
    status = {"gateway": "healthy", "services": {}}
    for name, url in SERVICES.items():
        try:
            r = await client.get(f"{url}/", timeout=5.0)
            status["services"][name] = r.status_code
        except Exception as e:
            status["services"][name] = str(e)
    return status

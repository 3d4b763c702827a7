import asyncio
import os

import httpx

CONSUL_URL = os.getenv("CONSUL_URL", "http://consul:8500")


async def register_service() -> None:
    payload = {"Name": "api", "Address": "api", "Port": 8000}
    for attempt in range(10):
        try:
            async with httpx.AsyncClient() as client:
                await client.put(f"{CONSUL_URL}/v1/agent/service/register", json=payload)
            return
        except httpx.HTTPError:
            await asyncio.sleep(2 ** attempt)

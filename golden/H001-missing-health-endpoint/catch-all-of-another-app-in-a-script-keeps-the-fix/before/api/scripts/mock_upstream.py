"""Stub of the pricing service for local runs: python scripts/mock_upstream.py"""
import uvicorn
from fastapi import FastAPI

stub = FastAPI()


@stub.get("/{sku}")
async def price(sku: str):
    return {"sku": sku, "price": 1}


if __name__ == "__main__":
    uvicorn.run(stub, port=9001)

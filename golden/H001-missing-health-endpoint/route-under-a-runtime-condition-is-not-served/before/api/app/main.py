import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
async def list_items():
    return []


if os.getenv("ENV") == "dev":
    @app.get("/ping")
    async def ping():
        return "pong"
else:
    pass

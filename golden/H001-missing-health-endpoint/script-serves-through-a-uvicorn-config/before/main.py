import asyncio

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def items():
    return []


async def main():
    config = uvicorn.Config(app, host="0.0.0.0", port=8002)
    server = uvicorn.Server(config)
    await server.serve()


if __name__ == "__main__":
    asyncio.run(main())

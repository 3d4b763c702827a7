import os

import grpc
from fastapi import FastAPI

app = FastAPI()
server = grpc.aio.server()


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.on_event("startup")
async def startup():
    server.add_insecure_port(f"0.0.0.0:{os.environ['GRPC_PORT']}")
    await server.start()

import socket

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/health")
def health():
    try:
        socket.create_connection(("cache", 6379), timeout=1).close()
    except OSError:
        return JSONResponse({"status": "degraded"}, status_code=503)
    return {"status": "ok"}

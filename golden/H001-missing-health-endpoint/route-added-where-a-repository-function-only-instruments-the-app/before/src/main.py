from fastapi import FastAPI

from src.middleware import LogMiddleware
from src.otel import setup_telemetry

app = FastAPI()
setup_telemetry(app)
app.add_middleware(LogMiddleware)


@app.get("/")
def root():
    return {"status": "ok"}

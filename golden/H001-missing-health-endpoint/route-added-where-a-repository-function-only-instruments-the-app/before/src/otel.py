from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor


def setup_telemetry(app: FastAPI) -> None:
    FastAPIInstrumentor.instrument_app(app)

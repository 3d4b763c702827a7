from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

app = FastAPI()


@app.get("/items")
def items():
    return []


FastAPIInstrumentor.instrument_app(app)

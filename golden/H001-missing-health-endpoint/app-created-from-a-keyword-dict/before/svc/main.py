from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

SETTINGS = {"title": "svc", "default_response_class": PlainTextResponse}

app = FastAPI(**SETTINGS)


@app.get("/items")
def items():
    return "none"

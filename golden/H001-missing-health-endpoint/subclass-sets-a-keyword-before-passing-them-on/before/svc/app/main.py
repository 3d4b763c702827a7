from fastapi import FastAPI
from fastapi.responses import PlainTextResponse


class App(FastAPI):
    def __init__(self, **kwargs):
        kwargs.setdefault("default_response_class", PlainTextResponse)
        super().__init__(**kwargs)


app = App(title="x")


@app.get("/items")
def items():
    return "x"

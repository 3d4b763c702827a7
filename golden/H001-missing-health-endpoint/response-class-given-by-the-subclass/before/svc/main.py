from fastapi import FastAPI
from fastapi.responses import PlainTextResponse


class TextApp(FastAPI):
    def __init__(self, **kwargs):
        super().__init__(default_response_class=PlainTextResponse, **kwargs)


app = TextApp()


@app.get("/items")
def items():
    return "none"

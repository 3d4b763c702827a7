from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()
router = app.router
router.default_response_class = PlainTextResponse


@app.get("/items")
def items():
    return "x"

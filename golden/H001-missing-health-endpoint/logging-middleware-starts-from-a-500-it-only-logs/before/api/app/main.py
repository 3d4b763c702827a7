from fastapi import FastAPI

from app.middlewares import LogMiddleware

app = FastAPI()
app.add_middleware(LogMiddleware)


@app.get("/items")
def items():
    return []

from fastapi import FastAPI

from app.middlewares.auth import Middleware

app = FastAPI()
middleware = Middleware(app)
middleware.register()


@app.get("/items")
def items():
    return []

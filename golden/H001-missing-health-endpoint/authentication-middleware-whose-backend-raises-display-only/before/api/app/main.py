from fastapi import FastAPI
from starlette.middleware.authentication import AuthenticationMiddleware

from app.auth import TokenBackend

app = FastAPI()
app.add_middleware(AuthenticationMiddleware, backend=TokenBackend())


@app.get("/items")
def items():
    return []

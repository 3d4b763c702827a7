from fastapi import FastAPI

from middlewares import add_cors_middleware
from routers.api import router

app = FastAPI()
add_cors_middleware(app)
app.include_router(router)


@app.get("/health")
def health():
    return {"status": "ok"}

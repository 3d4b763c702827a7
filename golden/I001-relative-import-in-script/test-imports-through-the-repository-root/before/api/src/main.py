from fastapi import FastAPI

from .routers import users
from .db import engine  # shared engine

app = FastAPI()
app.include_router(users.router)


@app.get("/health")
def health():
    return {"ok": True, "db": str(engine)}

import importlib

from fastapi import FastAPI

app = FastAPI()

for name in ("items", "prices"):
    app.include_router(importlib.import_module(f"app.routers.{name}").router)


@app.get("/health")
def health():
    return {"status": "ok"}

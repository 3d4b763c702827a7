import importlib
import os

from fastapi import FastAPI

app = FastAPI()

for dotted in os.environ.get("PLUGIN_MODULES", "").split(","):
    if dotted:
        app.include_router(importlib.import_module(dotted).router)


@app.get("/health")
def health():
    return {"status": "ok"}

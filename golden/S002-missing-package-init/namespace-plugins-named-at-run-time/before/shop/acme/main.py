import importlib
import os

from fastapi import FastAPI

app = FastAPI()

# acme-plugins installs acme/plugins/ into the same `acme` namespace
for name in os.environ.get("PLUGINS", "").split(","):
    if name:
        plugin = importlib.import_module(f"acme.plugins.{name}")
        app.include_router(plugin.router)


@app.get("/health")
def health():
    return {"status": "ok"}

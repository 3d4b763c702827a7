import importlib
import os
import sys

from fastapi import FastAPI

sys.path.append(os.path.join(os.path.dirname(__file__), "..", "extensions"))

app = FastAPI()


@app.get("/health")
def health():
    return {"status": "ok"}


for name in os.environ.get("PLUGINS", "billing").split(","):
    importlib.import_module(f"app.{name}").register(app)

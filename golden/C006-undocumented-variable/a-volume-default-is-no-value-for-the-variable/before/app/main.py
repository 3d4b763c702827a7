import os

from fastapi import FastAPI

app = FastAPI()
# a local model is used only when MODEL_DIR is set; otherwise the default one is downloaded
MODEL = os.environ.get("MODEL_DIR") or "hub:default-model"


@app.get("/health")
def health():
    return {"status": "ok", "model": MODEL}

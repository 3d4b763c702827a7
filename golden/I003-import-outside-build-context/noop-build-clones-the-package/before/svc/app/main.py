from fastapi import FastAPI

from common.timeutil import tz

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True, "tz": tz()}

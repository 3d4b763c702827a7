from fastapi import Depends, FastAPI

from acme import (
    auth,
    telemetry,
)

app = FastAPI()
telemetry.instrument(app)


@app.get("/health")
def health():
    return {"ok": True}


@app.get("/orders")
def orders(user=Depends(auth.current_user)):
    return []

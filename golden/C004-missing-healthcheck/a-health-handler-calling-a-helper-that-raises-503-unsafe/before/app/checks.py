import os

from fastapi import HTTPException


def require_broker() -> None:
    if not os.environ.get("BROKER_URL"):
        raise HTTPException(status_code=503, detail="broker unavailable")

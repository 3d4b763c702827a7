from fastapi import APIRouter

from ..db import session  # shared session
from . import schemas
from .. import (
    version,
)

router = APIRouter()


@router.get("/users")
def list_users():
    if session is None:
        from ..version import VERSION
        return {"version": VERSION, "schema": str(schemas.USER), "v": version.VERSION}
    return []

from fastapi import FastAPI

from . import db
from .api.v1 import (
    router,
)

app = FastAPI()
app.include_router(router)
print(db.get_db())

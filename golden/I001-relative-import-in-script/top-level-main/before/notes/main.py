"""Notes API, served as main:app."""
import os

from fastapi import FastAPI

from .routes import router  # the API routes
from . import models
from .db import (
    engine,
    get_session,  # one session per request
)

app = FastAPI(debug=bool(os.environ.get("DEBUG")))
app.include_router(router)

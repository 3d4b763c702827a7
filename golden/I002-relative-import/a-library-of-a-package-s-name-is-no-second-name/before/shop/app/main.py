from fastapi import FastAPI

from . import db
from .routes import users

app = FastAPI()
app.include_router(users.router)

from fastapi import FastAPI

from .db import engine
from . import db

app = FastAPI()

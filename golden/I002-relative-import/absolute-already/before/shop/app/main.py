from fastapi import FastAPI

from app import db
from app.db import session

app = FastAPI()

from fastapi import FastAPI

from .db import session

app = FastAPI()

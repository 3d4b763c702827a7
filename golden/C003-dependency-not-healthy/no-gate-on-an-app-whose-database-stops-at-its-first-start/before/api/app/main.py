from fastapi import FastAPI

from . import db  # noqa: F401

app = FastAPI()

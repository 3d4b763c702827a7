from fastapi import FastAPI

from .logging import configure

configure()
app = FastAPI()

from fastapi import FastAPI

from .config import NAME

app = FastAPI(title=NAME)

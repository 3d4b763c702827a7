from fastapi import FastAPI

from app.v1 import v1

app = FastAPI()
app.mount("/v1", v1)

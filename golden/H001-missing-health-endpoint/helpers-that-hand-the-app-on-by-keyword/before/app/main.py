from fastapi import FastAPI

from app.core.exceptions import setup

app = FastAPI()
setup(app, debug=False)

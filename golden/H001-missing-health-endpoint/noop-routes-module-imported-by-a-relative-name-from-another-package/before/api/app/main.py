from importlib import import_module

from fastapi import FastAPI

app = FastAPI()

import_module(".views", package="app.sub")

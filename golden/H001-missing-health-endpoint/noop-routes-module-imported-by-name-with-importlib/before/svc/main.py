import importlib

from fastapi import FastAPI

app = FastAPI()

importlib.import_module("routes")

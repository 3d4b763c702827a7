from importlib import import_module

from fastapi import FastAPI

app = FastAPI()

for name in ("routes",):
    import_module(name)

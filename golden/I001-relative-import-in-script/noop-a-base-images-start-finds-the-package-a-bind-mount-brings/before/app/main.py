from fastapi import FastAPI

from . import crud

app = FastAPI()


@app.get("/items")
def items():
    return crud.items()

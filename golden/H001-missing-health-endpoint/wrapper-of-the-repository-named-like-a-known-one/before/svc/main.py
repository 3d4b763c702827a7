from fastapi import FastAPI

from wrappers import ASGIApp

api = FastAPI()


@api.get("/items")
def items():
    return []


app = ASGIApp(api)

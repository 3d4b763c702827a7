from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware as GZ

api = FastAPI()


@api.get("/items")
def items():
    return []


app = GZ(api, minimum_size=500)

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

app = FastAPI(title="catalog")


@app.get("/products")
def products():
    return []


app = GZipMiddleware(app, minimum_size=1000)

from fastapi import FastAPI

from .crud import get_products

app = FastAPI()


@app.get("/products")
def products():
    return get_products()

import uvicorn
from fastapi import FastAPI


def build():
    api = FastAPI(title="catalog")

    @api.get("/products")
    def list_products():
        return []

    return api


catalog_app = build()

if __name__ == "__main__":
    uvicorn.run(catalog_app, host="0.0.0.0", port=8000)

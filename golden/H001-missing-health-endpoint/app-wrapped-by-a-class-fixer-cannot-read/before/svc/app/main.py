from fastapi import FastAPI
from gatekeeper import SignedRequestMiddleware

api = FastAPI(title="catalog")


@api.get("/products")
def products():
    return []


app = SignedRequestMiddleware(api, secret_env="SIGNING_KEY")

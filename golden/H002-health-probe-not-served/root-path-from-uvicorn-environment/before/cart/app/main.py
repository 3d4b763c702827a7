from fastapi import APIRouter, FastAPI

api = APIRouter(prefix="/api")


@api.get("/health")
def health():
    return {"status": "ok"}


@api.get("/cart")
def cart():
    return {"items": []}


app = FastAPI()
app.include_router(api)

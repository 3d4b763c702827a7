from fastapi import APIRouter, FastAPI

from endpoints import ROUTES

APP = FastAPI()
ROUTER = APIRouter()

for path, method, endpoint in ROUTES:
    ROUTER.add_api_route(path, endpoint, methods=[method])

APP.include_router(ROUTER)

from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import HTTPBearer

bearer = HTTPBearer()
health_router = APIRouter()


@health_router.get("")
def health_check():
    return {"status": "ok"}


app = FastAPI()
app.include_router(health_router, prefix="/health_check", dependencies=[Depends(bearer)])

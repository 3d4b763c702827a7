from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer

from src.core import router as core_router


def current_user(token=Depends(HTTPBearer())):
    return token


app = FastAPI()
app.include_router(core_router, dependencies=[Depends(current_user)])

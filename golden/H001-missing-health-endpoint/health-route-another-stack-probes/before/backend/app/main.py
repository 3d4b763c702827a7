from fastapi import FastAPI

from app.api import utils
from app.core.config import settings

app = FastAPI()
app.include_router(utils.router, prefix=settings.API_V1_STR)

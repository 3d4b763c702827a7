from fastapi import FastAPI

from app.health import router
from app.mw import RateLimit

app = FastAPI()
app.include_router(router)
app.add_middleware(RateLimit)

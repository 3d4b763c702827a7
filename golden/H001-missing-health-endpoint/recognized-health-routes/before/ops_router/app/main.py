from fastapi import FastAPI

from app.routers.ops import router as ops_router

app = FastAPI()
app.include_router(ops_router)

from fastapi import FastAPI

from app.routers import items

app = FastAPI()
app.include_router(items.build(), prefix="/items")
app.include_router(items.admin_router(), prefix="/health")

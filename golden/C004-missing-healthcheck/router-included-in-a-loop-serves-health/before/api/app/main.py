from fastapi import FastAPI

from app.routers import health, orders, users

app = FastAPI()

for module in (users, orders, health):
    app.include_router(module.router)

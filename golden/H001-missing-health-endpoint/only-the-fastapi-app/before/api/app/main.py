from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.routers import orders

app = FastAPI(title="Shop API", root_path="/api")

app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_methods=["*"],
)

app.include_router(orders.router)

from fastapi import FastAPI

from app.routers import auth

app = FastAPI(title="users")
app.include_router(auth.router)

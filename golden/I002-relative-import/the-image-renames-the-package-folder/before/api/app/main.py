from fastapi import FastAPI

from .routers import checkout

app = FastAPI()
app.include_router(checkout.router)

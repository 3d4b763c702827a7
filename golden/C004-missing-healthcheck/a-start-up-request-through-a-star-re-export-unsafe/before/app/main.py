from fastapi import FastAPI

from app.api.routes import fetch_rates, router

app = FastAPI()


@app.on_event("startup")
async def startup():
    fetch_rates()


app.include_router(router)

from fastapi import FastAPI

from . import db
from .routes import invoices

app = FastAPI(title="billing")


@app.on_event("startup")
async def startup() -> None:
    await db.connect()


@app.on_event("shutdown")
async def shutdown() -> None:
    await db.disconnect()


app.include_router(invoices.router)

from fastapi import FastAPI

from app.routers import invoices

app = FastAPI(title="billing")
app.include_router(invoices.router)


@app.get("/health/db")
def database_health() -> dict[str, str]:
    return {"db": "ok"}

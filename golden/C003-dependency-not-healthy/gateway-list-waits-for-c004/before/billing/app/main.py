from fastapi import FastAPI

from app.routers import invoices

app = FastAPI(title="billing")
app.include_router(invoices.router, prefix="/invoices")


@app.get("/health", tags=["ops"])
def health() -> dict[str, str]:
    return {"status": "ok"}

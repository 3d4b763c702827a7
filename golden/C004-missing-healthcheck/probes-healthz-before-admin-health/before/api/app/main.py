from fastapi import APIRouter, FastAPI

admin = APIRouter()


@admin.get("/health")
def admin_health() -> dict[str, str]:
    return {"status": "ok"}


app = FastAPI()
app.include_router(admin, prefix="/admin")


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}

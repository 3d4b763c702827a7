from fastapi import APIRouter, FastAPI

router = APIRouter(prefix="/tenants/{tenant}")


@router.get("/health")
def health(tenant: str):
    return {"ok": True}


app = FastAPI()
app.include_router(router, prefix="/api/v1")

from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.get("/health")
def health():
    return {"status": "ok"}


app = FastAPI()
app.include_router(router, prefix="/api/v1")

from fastapi import APIRouter, FastAPI

from app.settings import settings

router = APIRouter()


@router.get("/health")
def health():
    return {"status": "ok"}


app = FastAPI()
app.include_router(router, prefix=settings.API_PREFIX)

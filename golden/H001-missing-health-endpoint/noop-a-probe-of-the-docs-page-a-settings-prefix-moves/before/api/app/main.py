from fastapi import APIRouter, FastAPI

from app.config import settings

router = APIRouter()


@router.get("/items")
async def items() -> list[int]:
    return [1, 2]


app = FastAPI(docs_url=f"{settings.API_PREFIX}/docs")
app.include_router(router, prefix=settings.API_PREFIX)

import uvicorn
from fastapi import APIRouter, FastAPI

from config import settings

router = APIRouter(prefix="/utils")


@router.get("/health-check")
async def health_check():
    return {"ok": True}


app = FastAPI()
app.include_router(router)

if __name__ == "__main__":
    uvicorn.run("main:app", host=settings.run.host, port=settings.run.port)

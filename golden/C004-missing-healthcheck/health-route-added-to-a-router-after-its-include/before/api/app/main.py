from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter(prefix="/api")
app.include_router(router)


@router.get("/health")
def health():
    return {"status": "ok"}


@router.get("/items")
def items():
    return []

from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.post("")
def create():
    return {}


app = FastAPI()
app.include_router(router, prefix="/orders")

from fastapi import FastAPI, APIRouter

router = APIRouter()


@router.get("/items")
def items():
    return []

app = FastAPI()
app.include_router(router)

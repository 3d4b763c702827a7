from fastapi import APIRouter

api_router = APIRouter()


@api_router.get("/items")
def items():
    return []

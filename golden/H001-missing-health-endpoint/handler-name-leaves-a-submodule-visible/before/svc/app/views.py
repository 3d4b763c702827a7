from fastapi import APIRouter

router = APIRouter()


@router.get("/items")
def items():
    from app import health

    return {"db": health.database_ok()}

from fastapi import APIRouter

router = APIRouter()


@router.get("/orders")
def list_orders():
<<<<<<< HEAD
    return []
=======
    return {"items": []}
>>>>>>> feature/pagination

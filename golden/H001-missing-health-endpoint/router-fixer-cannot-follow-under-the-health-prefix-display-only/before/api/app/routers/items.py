from fastapi import APIRouter

router = APIRouter()


@router.get("/{item_id}")
def item(item_id: int):
    return {"id": item_id}

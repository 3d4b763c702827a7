from fastapi import APIRouter

router = APIRouter()


@router.get("/list")
def items():
    return []


"""Kept for later:
@router.get("/{item_id}")
def item(item_id: int):
    return {"id": item_id}
"""
# @router.get("/{item_id}")

from fastapi import APIRouter

router = APIRouter()


def read(item_id: int):
    return {"id": item_id}


router.add_api_route("/{item_id}", read, methods=["GET"])

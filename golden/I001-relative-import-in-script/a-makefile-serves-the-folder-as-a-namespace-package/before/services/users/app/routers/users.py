from fastapi import APIRouter

router = APIRouter()


@router.get("/users/{uid}")
def get_user(uid: int) -> dict[str, int]:
    return {"id": uid}

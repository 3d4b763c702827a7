from fastapi import APIRouter

router = APIRouter()


@router.get("/{enrollment_id}")
def read_enrollment(enrollment_id: int) -> dict[str, int]:
    return {"id": enrollment_id}

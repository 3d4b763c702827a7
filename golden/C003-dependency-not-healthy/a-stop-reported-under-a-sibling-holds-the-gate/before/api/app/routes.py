from fastapi import APIRouter

router = APIRouter()


@router.get("/x")
def x():
<<<<<<< HEAD
    return 1
=======
    return 2
>>>>>>> feature

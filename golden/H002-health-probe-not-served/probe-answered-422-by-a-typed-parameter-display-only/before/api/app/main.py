from fastapi import APIRouter, FastAPI

router = APIRouter()


@router.get("/{item_id}")
def item(item_id: int):
    return {"id": item_id}


app = FastAPI()
app.include_router(router, prefix="/api/v1")

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute


def custom_generate_unique_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}"


router = APIRouter(tags=["items"])


@router.get("/items")
def items():
    return []


app = FastAPI(generate_unique_id_function=custom_generate_unique_id)
app.include_router(router)


@app.get("/health", tags=["health"])
def health():
    return {"status": "ok"}

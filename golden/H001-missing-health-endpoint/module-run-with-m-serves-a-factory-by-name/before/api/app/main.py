from fastapi import FastAPI, APIRouter

router = APIRouter(prefix="/api")


@router.get("/items")
def items():
    return []


def create_app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    return app

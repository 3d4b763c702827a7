from fastapi import APIRouter, FastAPI


def build_app(router: APIRouter) -> FastAPI:
    built = FastAPI()
    built.include_router(router)
    return built

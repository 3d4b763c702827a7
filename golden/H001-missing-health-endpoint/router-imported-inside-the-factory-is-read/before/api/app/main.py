from fastapi import FastAPI


def create_app() -> FastAPI:
    from app.routers import items  # imported here to avoid a circular import
    app = FastAPI()
    app.include_router(items.router)
    return app

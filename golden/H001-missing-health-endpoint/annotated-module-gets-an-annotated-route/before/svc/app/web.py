from fastapi import FastAPI


def setup_routes(app: FastAPI, /) -> None:
    @app.get("/items")
    def items() -> list[str]:
        return []


def create_app() -> FastAPI:
    app = FastAPI()
    setup_routes(app)
    return app

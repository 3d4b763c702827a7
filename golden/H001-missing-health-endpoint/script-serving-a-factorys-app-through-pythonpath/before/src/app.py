from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/items")
    def items() -> list[str]:
        return []

    return app

import os

from fastapi import FastAPI


def create_app() -> FastAPI:
    docs_kwargs = (
        {}
        if os.environ.get("ENV") != "production"
        else {"docs_url": None, "redoc_url": None}
    )
    app = FastAPI(title="x", **docs_kwargs)

    @app.get("/items")
    def items():
        return []

    return app


app = create_app()

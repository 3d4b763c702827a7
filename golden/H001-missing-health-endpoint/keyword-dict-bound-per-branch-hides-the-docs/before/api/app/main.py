import os

from fastapi import FastAPI


def create_app() -> FastAPI:
    if os.environ.get("ENV") == "production":
        docs_kwargs = dict(docs_url=None, redoc_url=None)
    else:
        docs_kwargs = dict()
    app = FastAPI(title="x", **docs_kwargs)

    @app.get("/items")
    def items():
        return []

    return app


app = create_app()

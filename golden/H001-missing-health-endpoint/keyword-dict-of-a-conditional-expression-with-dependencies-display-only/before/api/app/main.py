import os

from fastapi import Depends, FastAPI, Header, HTTPException


def require_key(x_api_key: str = Header(None)):
    if x_api_key != os.environ["API_KEY"]:
        raise HTTPException(status_code=403)


def create_app() -> FastAPI:
    app_kwargs = dict(docs_url=None, dependencies=[Depends(require_key)]) \
        if os.environ.get("ENV") == "production" else {}
    app = FastAPI(title="x", **app_kwargs)

    @app.get("/items")
    def items():
        return []

    return app


app = create_app()

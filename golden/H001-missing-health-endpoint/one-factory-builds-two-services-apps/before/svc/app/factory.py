from fastapi import FastAPI


def make_app(title: str) -> FastAPI:
    app = FastAPI(title=title)
    return app

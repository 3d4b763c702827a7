from fastapi import FastAPI

PRODUCTION = False


def run_app() -> FastAPI:
    if PRODUCTION:
        app = FastAPI(title="shop", docs_url=None, redoc_url=None)
    else:
        app = FastAPI(title="shop", docs_url=None, redoc_url=None, debug=True)
    app.state.ready = True
    return app

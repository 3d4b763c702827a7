from app.api.routes import router
from app.core import Gateway


def create_app() -> Gateway:
    app = Gateway(title="Gateway", docs_url="/docs")
    app.include_router(router)
    return app

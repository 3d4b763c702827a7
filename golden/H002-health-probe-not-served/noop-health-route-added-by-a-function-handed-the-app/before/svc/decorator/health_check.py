from fastapi import FastAPI


def with_health(app: FastAPI) -> FastAPI:
    """Adds the health route every service of the fleet serves."""

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app

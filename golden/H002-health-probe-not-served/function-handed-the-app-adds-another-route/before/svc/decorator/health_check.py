from fastapi import FastAPI


def with_health(app: FastAPI) -> FastAPI:
    """Adds the status route every service of the fleet serves."""

    @app.get("/status")
    def status():
        return {"status": "ok"}

    return app

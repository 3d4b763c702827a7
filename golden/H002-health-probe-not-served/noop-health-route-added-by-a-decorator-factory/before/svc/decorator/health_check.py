from fastapi import FastAPI


def health_check_middleware(service: str):
    """Adds a health route to an app."""

    def decorator(app: FastAPI) -> FastAPI:
        @app.get("/health")
        def health_check():
            return {"status": "healthy", "service": service}

        return app

    return decorator


def with_health(app: FastAPI) -> FastAPI:
    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app

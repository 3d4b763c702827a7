from fastapi import FastAPI


def create_app() -> FastAPI:
    application = FastAPI(title="notifications")

    @application.get("/notifications")
    async def list_notifications():
        return []

    @application.get("/health/db")
    async def database_health():
        return {"db": "ok"}

    return application


app = create_app()

from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI(title="Orders")

    @app.get("/orders")
    async def list_orders() -> list[str]:
        return []

    return app


app = create_app()

from fastapi import FastAPI


def create_app(title: str = "orders") -> FastAPI:
    application = FastAPI(title=title)

    @application.get("/orders")
    def list_orders():
        return []

    return application

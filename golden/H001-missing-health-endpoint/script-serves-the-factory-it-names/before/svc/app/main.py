from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI(title="billing")

    @app.get("/invoices")
    def list_invoices():
        return []

    return app

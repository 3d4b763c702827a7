"""Orders service."""
from fastapi import APIRouter, FastAPI


def orders_router() -> APIRouter:
    router = APIRouter()

    @router.get("/orders/{order_id}")
    def get_order(order_id: str) -> dict[str, str]:
        return {"id": order_id}

    return router


app = FastAPI(title="Orders")
app.include_router(orders_router(), prefix="/api")


@app.get("/api/status")
def health() -> dict[str, str]:
    return {"status": "ok"}

import os

from app.application import OrdersApi
from app.routers import orders

app = OrdersApi(
    title="Orders",
    payments_url=os.environ.get("PAYMENTS_URL", "http://payments:8000"),
)
app.include_router(orders.router, prefix="/api/v1")

import logging

from fastapi import FastAPI

import shared.events
from shared.schemas import Payment

try:
    from shared.tracing import setup_tracing
except ImportError:  # tracing is optional
    setup_tracing = None

log = logging.getLogger(__name__)
app = FastAPI(title="Payments")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/payments")
def pay(payment: Payment):
    log.info("%s %s", shared.events.ORDER_PAID, payment.order_id)
    return payment

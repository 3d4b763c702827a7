import logging
from typing import Any

from fastapi import FastAPI

log = logging.getLogger("orders")


class OrdersApi(FastAPI):
    """FastAPI that knows where the payment service is."""

    def __init__(self, *, payments_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.payments_url = payments_url
        log.info("payments at %s", payments_url)

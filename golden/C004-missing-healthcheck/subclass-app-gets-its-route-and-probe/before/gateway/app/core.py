"""The gateway's application class: FastAPI plus the upstreams it forwards to."""
import os

from fastapi import FastAPI


class Gateway(FastAPI):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.timeout = float(os.environ.get("UPSTREAM_TIMEOUT", "5"))
        self.upstreams = {"orders": "http://orders:8000", "billing": "http://billing:8000"}

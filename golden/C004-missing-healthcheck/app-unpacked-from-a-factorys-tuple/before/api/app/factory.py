import logging

from fastapi import FastAPI


def create_app(name: str) -> tuple[FastAPI, logging.Logger]:
    app = FastAPI(title=name)
    logger = logging.getLogger(name)
    return app, logger

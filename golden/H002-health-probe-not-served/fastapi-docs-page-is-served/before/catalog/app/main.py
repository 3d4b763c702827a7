"""Catalog service: the docs pages are off in production, which fixer cannot tell."""
import os

from fastapi import FastAPI

PRODUCTION = os.environ.get("ENV") == "production"

app = FastAPI(title="Catalog", docs_url=None if PRODUCTION else "/docs")


@app.get("/items")
def items() -> list[str]:
    return []

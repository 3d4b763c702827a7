from fastapi import FastAPI

app = FastAPI(title="catalog")

from app import routes  # noqa: E402,F401  (registers the routes)

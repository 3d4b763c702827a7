from fastapi import FastAPI

from app.bootstrap import register_routes

app = FastAPI(title="ledger")
register_routes(app)

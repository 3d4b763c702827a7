from fastapi import FastAPI
from nicegui import ui

fastapi_app = FastAPI()


@ui.page("/")
def index() -> None:
    ui.label("Dashboard")


ui.run_with(fastapi_app)

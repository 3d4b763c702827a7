from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

HANDLED = [(ValueError, 400), (KeyError, 404)]


def register_exception_handler(app: FastAPI, exception: type, status_code: int) -> None:
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_code)

    app.add_exception_handler(exception, handler)


def register_exception_handlers(app: FastAPI) -> None:
    for exception, status_code in HANDLED:
        register_exception_handler(app=app, exception=exception, status_code=status_code)


def setup(app: FastAPI, debug: bool = False) -> None:
    register_exception_handlers(app=app)

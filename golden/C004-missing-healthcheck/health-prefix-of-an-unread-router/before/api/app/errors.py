from fastapi import FastAPI
from fastapi.responses import JSONResponse


def register_exception_handlers(app: FastAPI) -> None:
    @app.exception_handler(ValueError)
    async def on_value_error(request, exc):
        return JSONResponse({"detail": str(exc)}, status_code=400)

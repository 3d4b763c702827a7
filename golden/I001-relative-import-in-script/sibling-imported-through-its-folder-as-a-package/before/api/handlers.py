from fastapi.responses import JSONResponse

from .errors import AppError


def register(app):
    @app.exception_handler(AppError)
    async def on_app_error(request, exc):
        return JSONResponse({"error": str(exc)}, status_code=400)

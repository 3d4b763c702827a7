from fastapi import Request
from fastapi.responses import JSONResponse


class NotFound(Exception):
    pass


class RegisterErrorsMiddleware:
    def __init__(self, app):
        self.app = app
        self.app.add_exception_handler(NotFound, self.not_found)

    async def not_found(self, request: Request, exc: NotFound):
        return JSONResponse(status_code=404, content={"detail": "not found"})

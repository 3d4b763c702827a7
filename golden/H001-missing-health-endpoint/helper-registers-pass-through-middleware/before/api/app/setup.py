from fastapi import FastAPI, Request


def setup_logging(app: FastAPI):
    @app.middleware("http")
    async def log_requests(request: Request, call_next):
        response = await call_next(request)
        return response

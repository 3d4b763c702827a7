from starlette.responses import PlainTextResponse


class ASGIApp:
    """Lets through only requests that carry the internal token."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and b"x-token" not in dict(scope["headers"]):
            await PlainTextResponse("forbidden", status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)

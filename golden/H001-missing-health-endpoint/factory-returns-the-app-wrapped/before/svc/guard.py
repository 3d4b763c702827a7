from starlette.responses import PlainTextResponse


class KeyGuard:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and b"x-key" not in dict(scope["headers"]):
            await PlainTextResponse("no", status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)

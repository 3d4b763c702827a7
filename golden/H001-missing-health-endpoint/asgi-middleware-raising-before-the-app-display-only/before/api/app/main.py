from fastapi import FastAPI


class TenantContext:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and not any(k == b"x-tenant" for k, _ in scope["headers"]):
            raise RuntimeError("tenant header missing")
        await self.app(scope, receive, send)


app = FastAPI()
app.add_middleware(TenantContext)


@app.get("/items")
def items():
    return []

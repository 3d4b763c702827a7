from fastapi import FastAPI, Request


def check_tenant(request: Request) -> None:
    if "x-tenant" not in request.headers:
        raise RuntimeError("tenant header missing")


app = FastAPI()


@app.middleware("http")
async def tenant(request: Request, call_next):
    check_tenant(request)
    return await call_next(request)


@app.get("/")
def root():
    return {"ok": True}

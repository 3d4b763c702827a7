from fastapi import FastAPI

try:
    import numpy  # noqa: F401
    HAS_DEPS = True
except ImportError:
    HAS_DEPS = False

if HAS_DEPS:
    app = FastAPI(title="demo")


def helper():
    return 1


if HAS_DEPS:

    @app.get("/health")
    async def health_check():
        return {"status": "healthy"}

    @app.get("/items")
    async def items():
        return []

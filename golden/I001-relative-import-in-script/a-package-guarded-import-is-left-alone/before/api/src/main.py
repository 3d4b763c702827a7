from fastapi import FastAPI

if not __package__:
    from settings import API_TITLE
else:
    from .settings import API_TITLE

from .routes import router

app = FastAPI(title=API_TITLE)
app.include_router(router)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}

from fastapi import FastAPI

app = FastAPI()

from app.views import router  # noqa: E402

app.include_router(router)

import os

from django.core.asgi import get_asgi_application
from fastapi import FastAPI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
application = get_asgi_application()

fastapp = FastAPI()


@fastapp.get("/health")
async def health():
    return {"status": "ok"}

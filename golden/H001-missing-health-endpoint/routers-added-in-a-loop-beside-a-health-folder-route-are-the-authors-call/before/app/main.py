from fastapi import FastAPI

from app.registry import CORE_ROUTERS, plugin_routers

app = FastAPI(title="lights")

for router in CORE_ROUTERS + tuple(plugin_routers()):
    app.include_router(router)

from app.lamps import router as lamp_router

CORE_ROUTERS = (lamp_router,)


def plugin_routers() -> list:
    return []

from .items import router as items_router

ALL = [items_router]

from shared.runtime import build_app

from app.routes import router

app = build_app(router=router)

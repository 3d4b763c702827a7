from fastapi import FastAPI
from platform_kit.health import router as health_router

app = FastAPI(title="billing")
app.include_router(health_router)

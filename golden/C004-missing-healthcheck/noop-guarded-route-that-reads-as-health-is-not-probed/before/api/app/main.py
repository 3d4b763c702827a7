from fastapi import Depends, FastAPI

from app.routers import system
from app.security import require_key

app = FastAPI()
app.include_router(system.router, prefix="/api", dependencies=[Depends(require_key)])

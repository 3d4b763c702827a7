from fastapi import APIRouter
from fastapi_restful.cbv import cbv

router = APIRouter()


@cbv(router)
class HealthCBV:
    @router.get("/health")
    async def health(self):
        return {"status": "ok"}

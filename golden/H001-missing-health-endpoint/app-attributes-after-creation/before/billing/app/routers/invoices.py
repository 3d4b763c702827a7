from fastapi import APIRouter, Request

router = APIRouter(prefix="/invoices", tags=["invoices"])


@router.get("/")
async def list_invoices(request: Request) -> dict[str, object]:
    return {"version": request.app.state.settings.version, "items": []}

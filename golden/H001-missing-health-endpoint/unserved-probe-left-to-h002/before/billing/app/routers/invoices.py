from fastapi import APIRouter

router = APIRouter(prefix="/invoices", tags=["invoices"])


@router.get("/")
def list_invoices() -> list[dict[str, str]]:
    return []


@router.get("/{invoice_id}")
def get_invoice(invoice_id: str) -> dict[str, str]:
    return {"id": invoice_id}

from fastapi import APIRouter

router = APIRouter()


@router.get("/")
def list_invoices() -> list[dict[str, str]]:
    return []

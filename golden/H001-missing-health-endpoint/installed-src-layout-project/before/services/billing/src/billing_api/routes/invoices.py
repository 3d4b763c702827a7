from fastapi import APIRouter

from .. import db

router = APIRouter(prefix="/invoices", tags=["invoices"])


@router.get("")
async def list_invoices():
    async with db.pool.acquire() as conn:
        rows = await conn.fetch("select id, total from invoices")
    return [dict(r) for r in rows]

"""Writes a new service's router."""

TEMPLATE = '''from fastapi import APIRouter

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
'''


def write(path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(TEMPLATE)

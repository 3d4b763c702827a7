from fastapi import Query


def pagination(limit: int = Query(50, le=500), offset: int = 0) -> dict[str, int]:
    return {"limit": limit, "offset": offset}

from fastapi import Query
from platform_kit.web import ServiceApp

app = ServiceApp(name="search", version="0.9.0")


@app.get("/search")
def search(q: str = Query(min_length=2)) -> dict[str, object]:
    return {"query": q, "hits": []}

from fastapi import APIRouter, FastAPI

items = APIRouter(prefix="/items")
app = FastAPI(title="catalog")

app.include_router(items)


schema = app.openapi()
for path in schema["paths"].values():
    for operation in path.values():
        operation.setdefault("tags", ["catalog"])

app.openapi_schema = schema

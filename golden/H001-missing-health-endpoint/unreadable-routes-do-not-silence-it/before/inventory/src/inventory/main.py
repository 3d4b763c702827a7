from acme_auth.fastapi import login_router
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from prometheus_fastapi_instrumentator import Instrumentator

app = FastAPI(title="Inventory", swagger_ui_oauth2_redirect_url="/docs/oauth2-redirect")
app.include_router(login_router, prefix="/auth")
Instrumentator().instrument(app).expose(app)


@app.get(app.swagger_ui_oauth2_redirect_url, include_in_schema=False)
async def swagger_ui_redirect():
    return get_swagger_ui_oauth2_redirect_html()


@app.get("/items/{sku}")
async def item(sku: str) -> dict[str, str]:
    return {"sku": sku}

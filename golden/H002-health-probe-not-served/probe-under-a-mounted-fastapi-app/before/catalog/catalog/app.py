from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from catalog.v1.api import v1

app = FastAPI(docs_url=None, redoc_url=None)
app.mount("/api/v1", v1)


@app.get("/", include_in_schema=False)
def index():
    return RedirectResponse("/api/v1/docs")

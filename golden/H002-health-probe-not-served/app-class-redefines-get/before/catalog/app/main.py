from fastapi import FastAPI


class CatalogApi(FastAPI):
    """Every route is served under the API version."""

    def get(self, path, **kwargs):
        return super().get("/v2" + path, **kwargs)


app = CatalogApi(title="catalog")


@app.get("/healthz")
def healthz():
    return {"status": "ok"}

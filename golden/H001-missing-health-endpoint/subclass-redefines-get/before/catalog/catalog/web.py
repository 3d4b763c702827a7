"""The catalog's application class: FastAPI with the team's defaults for reads."""
import os
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

# The CDN caches read endpoints this long unless a route says otherwise.
DEFAULT_MAX_AGE = int(os.environ.get("CATALOG_MAX_AGE", "60"))


class CatalogApi(FastAPI):
    def get(self, *, path: str, max_age: int = DEFAULT_MAX_AGE,
            **kwargs: Any) -> Callable[..., Any]:
        """GET routes name their path by keyword, so that each one states its cache age."""
        kwargs.setdefault("response_model_exclude_none", True)
        kwargs.setdefault("openapi_extra", {"x-cache-max-age": max_age})
        return super().get(path, **kwargs)

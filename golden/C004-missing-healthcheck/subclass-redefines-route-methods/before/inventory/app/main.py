import os
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException


def require_token(x_api_token: str = Header()) -> None:
    if x_api_token != os.environ["API_TOKEN"]:
        raise HTTPException(status_code=401)


class SecuredApi(FastAPI):
    """Every route needs the API token: no endpoint can be added without it."""

    def add_api_route(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        kwargs["dependencies"] = [*kwargs.get("dependencies", []), Depends(require_token)]
        super().add_api_route(path, endpoint, **kwargs)


app = SecuredApi(title="Inventory")
app.add_api_route("/items", lambda: [], methods=["GET"])

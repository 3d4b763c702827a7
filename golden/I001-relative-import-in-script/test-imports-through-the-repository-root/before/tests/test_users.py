from fastapi.testclient import TestClient

from api.src.routers.users import router


def test_router_has_users():
    assert any(r.path == "/users" for r in router.routes)

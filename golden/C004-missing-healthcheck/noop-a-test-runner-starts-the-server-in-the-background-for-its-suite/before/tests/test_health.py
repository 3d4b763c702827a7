import httpx


def test_health() -> None:
    assert httpx.get("http://localhost:8000/health").status_code == 200

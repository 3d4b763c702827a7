from backend.main import app


def test_title() -> None:
    assert app.title == "FastAPI"

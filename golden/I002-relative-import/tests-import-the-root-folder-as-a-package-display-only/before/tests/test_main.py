from src.app.main import app


def test_title() -> None:
    assert app.title == "shop"

from backend.crud import get_products


def test_products() -> None:
    assert get_products() == []

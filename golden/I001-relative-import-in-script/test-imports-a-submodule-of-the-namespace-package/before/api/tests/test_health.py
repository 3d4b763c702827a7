from src.routers.users import router


def test_router():
    assert router.routes

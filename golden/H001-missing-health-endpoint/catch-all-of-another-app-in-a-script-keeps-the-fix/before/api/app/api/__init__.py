import importlib

MODULES = ["items"]


def routers():
    for name in MODULES:
        yield importlib.import_module(f"app.api.{name}").router

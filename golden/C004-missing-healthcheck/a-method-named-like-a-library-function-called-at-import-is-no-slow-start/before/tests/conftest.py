import json


def fixture(path: str) -> dict:
    with open(path) as f:
        return json.load(f)

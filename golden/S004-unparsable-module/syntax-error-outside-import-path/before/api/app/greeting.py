# Nested quotes inside an f-string need Python 3.12 (PEP 701): the image runs 3.12.
SETTINGS = {"env": "prod"}


def banner(name: str) -> str:
    return f"{name} ({SETTINGS["env"]})"

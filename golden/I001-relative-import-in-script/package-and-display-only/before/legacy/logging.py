def configure() -> None:
    pass

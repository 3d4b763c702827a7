def ready() -> bool:
    return True

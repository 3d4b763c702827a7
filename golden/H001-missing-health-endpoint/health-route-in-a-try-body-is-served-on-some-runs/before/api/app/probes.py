def readiness() -> bool:
    return True

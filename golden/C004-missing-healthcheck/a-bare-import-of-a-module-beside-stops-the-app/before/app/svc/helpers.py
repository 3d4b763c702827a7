def greeting() -> str:
    return "hi"

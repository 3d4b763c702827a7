def to_int(value: str) -> int | str:
    try:
        return int(value)
    except ValueError, TypeError:  # one of either, without parentheses (Python 3.14)
        return value

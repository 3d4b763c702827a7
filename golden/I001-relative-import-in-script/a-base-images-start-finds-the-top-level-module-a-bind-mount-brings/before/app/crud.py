def items():
    return []

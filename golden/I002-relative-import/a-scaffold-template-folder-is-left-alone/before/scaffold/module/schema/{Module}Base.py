class {Module}Base:
    pass

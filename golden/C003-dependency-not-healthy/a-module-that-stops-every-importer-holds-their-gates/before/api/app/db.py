def connect(:
    pass

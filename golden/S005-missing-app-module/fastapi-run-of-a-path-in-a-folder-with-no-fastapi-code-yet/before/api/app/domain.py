class Pet:
    name: str

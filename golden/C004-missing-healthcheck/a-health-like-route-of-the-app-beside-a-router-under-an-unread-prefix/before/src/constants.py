class Prefixes:
    AUTH = "/api/v1/auth"

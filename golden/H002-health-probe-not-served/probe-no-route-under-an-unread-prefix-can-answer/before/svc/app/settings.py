class S:
    API_PREFIX = "/api/v1"


settings = S()
